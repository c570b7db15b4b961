package io.mesosoperator.executor;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a task's configuration files into its sandbox before the process starts (DESIGN.md
 * section 6): the operator sends what each file holds as data in {@value #ENV} (a JSON array of
 * {@code {"path", "format", "content"}}), and this writes it in the file's own format. String
 * values may name task variables as {@code ${NAME}} (e.g. {@code ${PORT_BROKER}}, {@code
 * ${MESOS_OPERATOR_HOST}}), known only once the task is placed. Formats: {@code properties} (an
 * object of keys), {@code yaml} (any JSON value, written as JSON, which YAML 1.2 parsers read),
 * {@code lines} (an array, one line each).
 */
final class ConfigFiles {
    static final String ENV = "MESOS_OPERATOR_CONFIG_FILES";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private ConfigFiles() {}

    /** Writes every file the environment describes; nothing when it describes none. */
    static void render(Map<String, String> env, Path sandbox) throws IOException {
        String spec = env.get(ENV);
        if (spec == null || spec.isBlank()) {
            return;
        }
        for (JsonElement element : JsonParser.parseString(spec).getAsJsonArray()) {
            JsonObject file = element.getAsJsonObject();
            String path = file.get("path").getAsString();
            Path target = sandbox.resolve(path).normalize();
            if (!target.startsWith(sandbox)) {
                throw new IOException("config file " + path + " would be written outside the sandbox");
            }
            JsonElement content = substitute(file.get("content"), env);
            String text = switch (file.get("format").getAsString()) {
                case "properties" -> properties(content.getAsJsonObject());
                case "yaml" -> new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(content) + "\n";
                case "lines" -> lines(content.getAsJsonArray());
                default -> throw new IOException("config file " + path + ": unknown format " + file.get("format"));
            };
            Files.createDirectories(target.getParent());
            Files.writeString(target, text, StandardCharsets.UTF_8);
        }
    }

    static JsonElement substitute(JsonElement value, Map<String, String> env) throws IOException {
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
            return new JsonPrimitive(expand(value.getAsString(), env));
        }
        if (value.isJsonArray()) {
            JsonArray out = new JsonArray();
            for (JsonElement e : value.getAsJsonArray()) {
                out.add(substitute(e, env));
            }
            return out;
        }
        if (value.isJsonObject()) {
            JsonObject out = new JsonObject();
            for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
                out.add(e.getKey(), substitute(e.getValue(), env));
            }
            return out;
        }
        return value;
    }

    static String expand(String text, Map<String, String> env) throws IOException {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null) {
                throw new IOException("config refers to ${" + m.group(1) + "}, which the task's environment does not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** java.util.Properties syntax: one key=value per line, with backslash escapes where needed. */
    private static String properties(JsonObject content) {
        StringBuilder out = new StringBuilder("# rendered by the mesos-operator executor from the task's data\n");
        for (Map.Entry<String, JsonElement> e : content.entrySet()) {
            JsonElement v = e.getValue();
            out.append(escape(e.getKey(), true)).append('=')
                    .append(escape(v.isJsonPrimitive() ? v.getAsString() : v.toString(), false)).append('\n');
        }
        return out.toString();
    }

    private static String escape(String s, boolean key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '=', ':', '#', '!' -> out.append(key ? "\\" + c : String.valueOf(c));
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String lines(JsonArray content) {
        StringBuilder out = new StringBuilder();
        content.forEach(e -> out.append(e.getAsString()).append('\n'));
        return out.toString();
    }
}
