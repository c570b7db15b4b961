package io.mesosoperator.executor;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a task's configuration files into its sandbox before the process starts (DESIGN.md
 * section 6): the operator sends what each file holds as data in {@value #ENV} (a JSON array of
 * {@code {"path", "format", "content"}}), and this writes it in the file's own format. String
 * values may name task variables as {@code ${NAME}} (e.g. {@code ${PORT_BROKER}}, {@code
 * ${MESOS_OPERATOR_HOST}}), known only once the task is placed. Formats: {@code properties} (an
 * object of keys, escaped as {@link java.util.Properties#store} does: {@link PropertiesText}),
 * {@code yaml} (any JSON value, written as JSON that YAML readers read: {@link YamlText}),
 * {@code lines} (an array, one line each, as they are). An optional {@code "mode"} ({@code
 * "0400"}, octal) gives the file those POSIX permissions from the moment it exists: it is written
 * to a temporary file created with them (owner read/write only) and then moved into place, so a
 * file holding a secret is never readable by others, not even briefly, and an older copy is
 * replaced whatever its mode.
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
                case "yaml" -> YamlText.of(content);
                case "lines" -> lines(content.getAsJsonArray());
                default -> throw new IOException("config file " + path + ": unknown format " + file.get("format"));
            };
            Files.createDirectories(target.getParent());
            JsonElement mode = file.get("mode");
            if (mode == null || mode.isJsonNull()) {
                Files.writeString(target, text, StandardCharsets.UTF_8);
            } else {
                writeWithMode(target, text, permissions(path, mode.getAsString()));
            }
        }
    }

    /** "0400" -> r--------; an IOException names the file for anything that is not 3 or 4 octal digits. */
    static Set<PosixFilePermission> permissions(String path, String octal) throws IOException {
        if (!octal.matches("0?[0-7]{3}")) {
            throw new IOException("config file " + path + ": mode must be octal like 0400, not " + octal);
        }
        int bits = Integer.parseInt(octal, 8);
        PosixFilePermission[] order = {PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE};
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < order.length; i++) {
            if ((bits & (0400 >> i)) != 0) {
                out.add(order[i]);
            }
        }
        return out;
    }

    private static void writeWithMode(Path target, String text, Set<PosixFilePermission> mode) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE)));
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(temp, mode);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
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

    /** One key=value per entry; a value that is not a string as its JSON text (a number, true). */
    private static String properties(JsonObject content) {
        Map<String, String> entries = new LinkedHashMap<>();
        content.entrySet().forEach(e -> entries.put(e.getKey(),
                e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue().toString()));
        return PropertiesText.of("rendered by the mesos-operator executor from the task's data", entries);
    }

    private static String lines(JsonArray content) {
        StringBuilder out = new StringBuilder();
        content.forEach(e -> out.append(e.getAsString()).append('\n'));
        return out.toString();
    }
}
