package io.mesosoperator.executor;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;

/**
 * A YAML file's text, written as JSON: every string double-quoted, so values with {@code ": "},
 * {@code " #"}, YAML's booleans ({@code yes}, {@code on}) or leading spaces keep their meaning.
 * JSON is not quite YAML, though: a YAML reader (SnakeYAML, which Cassandra uses) refuses DEL,
 * the C1 controls and U+FFFE/U+FFFF in a file, and folds U+0085 (a YAML line break) into a space.
 * Those, which JSON writes as they are, are written as {@code \}{@code uXXXX} escapes, which
 * both read; other non-ASCII text stays as it is, in UTF-8 (YAML's encoding).
 */
final class YamlText {
    private YamlText() {}

    static String of(JsonElement content) {
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(content);
        // outside strings Gson writes ASCII only, so every character escaped here is inside a string
        StringBuilder out = new StringBuilder(json.length() + 1);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (readable(json, i)) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        return out.append('\n').toString();
    }

    /**
     * Whether YAML reads the character at {@code i} as itself: YAML's printable set (tab and
     * newline among the controls) without its line breaks other than newline and without a byte
     * order mark; a surrogate only as half of a pair.
     */
    private static boolean readable(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
        return c == '\t' || c == '\n' || (c >= 0x20 && c <= 0x7e)
                || (c >= 0xa0 && c <= 0xd7ff && c != 0x2028 && c != 0x2029) || (c >= 0xe000 && c <= 0xfffd && c != 0xfeff);
    }
}
