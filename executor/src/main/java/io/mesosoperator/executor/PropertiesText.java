package io.mesosoperator.executor;

import java.util.Map;

/**
 * A properties file's text, the way {@link java.util.Properties#store} escapes it: every character
 * outside printable ASCII as {@code \}{@code uXXXX}, so the file is plain ASCII and reads back the
 * same whether the program loads it as ISO-8859-1 ({@code Properties.load(InputStream)}: Kafka's
 * server.properties, Cassandra's cassandra-rackdc.properties) or as UTF-8 ({@code
 * Properties.load(Reader)}: Spark). Unlike {@code store}, no date comment (the file is the same
 * every time it is rendered), and {@code = : # !} are left as they are in values, where {@code
 * load} reads them literally, so ordinary values (listeners=PLAINTEXT://host:9092) stay readable.
 */
final class PropertiesText {
    private PropertiesText() {}

    /** One {@code key=value} line per entry, in the map's order, after the comment line. */
    static String of(String comment, Map<String, String> entries) {
        StringBuilder out = new StringBuilder("# ").append(comment).append('\n');
        entries.forEach((key, value) -> out.append(escape(key, true)).append('=').append(escape(value, false)).append('\n'));
        return out.toString();
    }

    /**
     * A key or a value as {@code load} reads it back: backslash escapes for backslash, line breaks,
     * tab and form feed; for a key also its separators and comment marks and every space; for a
     * value a leading space (load would skip it).
     */
    static String escape(String s, boolean key) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case '=', ':', '#', '!' -> out.append(key ? "\\" : "").append(c);
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04X", (int) c)); // a surrogate pair as two, as store does
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
