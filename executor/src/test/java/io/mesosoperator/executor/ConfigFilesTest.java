package io.mesosoperator.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** Config files rendered from a task's data, read back the way the workload reads them. */
class ConfigFilesTest {
    @TempDir
    Path sandbox;

    @Test
    void rendersPropertiesThatJavaReadsBackWithTheTasksVariables() throws IOException {
        Map<String, String> env = Map.of(ConfigFiles.ENV, """
                [{"path": "server.properties", "format": "properties", "content": {
                   "listeners": "PLAINTEXT://${MESOS_OPERATOR_HOST}:${PORT_BROKER}",
                   "node.id": 2, "odd key=": "a value: with # and \\\\ and \\n", "flag": true}}]""",
                "MESOS_OPERATOR_HOST", "127.0.0.1", "PORT_BROKER", "31005");
        ConfigFiles.render(env, sandbox);

        Properties read = new Properties();
        try (Reader in = Files.newBufferedReader(sandbox.resolve("server.properties"))) {
            read.load(in);
        }
        assertThat(read).containsEntry("listeners", "PLAINTEXT://127.0.0.1:31005").containsEntry("node.id", "2")
                .containsEntry("odd key=", "a value: with # and \\ and \n").containsEntry("flag", "true");
    }

    /** Keys and values a properties or YAML file must carry unchanged. */
    static Map<String, String> awkward() {
        Map<String, String> awkward = new LinkedHashMap<>();
        awkward.put("broker.rack", "rack-Zürich-東京");
        awkward.put("emoji", "a \uD83D\uDE00 b");
        awkward.put("separators", "a=b:c#d!e = f : g");
        awkward.put("#starts.like.a.comment", "!and the value too");
        awkward.put("key with = and : inside", "# not a comment");
        awkward.put("yaml", "a: b # not a comment, - c, [d], {e}, &f *g");
        awkward.put("backslashes", "C:\\dir\\file \\u0041 \\");
        awkward.put("leading", "  two spaces, and two after  ");
        awkward.put("  spaced key", "\tand a tab");
        awkward.put("breaks", "line 1\nline 2\r\nline 3\fform feed");
        awkward.put("controls", "nul-ish \u0001, del \u007f, c1 \u0080 \u0085 \u009f, separators \u2028 \u2029, bom \ufeff");
        awkward.put("yes", "yes");
        awkward.put("empty", "");
        awkward.put("Größe", "ünïcödé ключ");
        return awkward;
    }

    private static String files(String path, String format, Object content) {
        return new Gson().toJson(List.of(Map.of("path", path, "format", format, "content", content)));
    }

    private static Properties load(InputStream in) throws IOException {
        Properties read = new Properties();
        try (in) {
            read.load(in);
        }
        return read;
    }

    @Test
    void propertiesReadBackUnchangedAsIso88591AsKafkaAndCassandraReadThemAndAsUtf8() throws IOException {
        Map<String, String> awkward = awkward();
        awkward.put("from.an.attribute", "${MESOS_OPERATOR_ATTRIBUTE_RACK}");
        ConfigFiles.render(Map.of(ConfigFiles.ENV, files("server.properties", "properties", awkward),
                "MESOS_OPERATOR_ATTRIBUTE_RACK", "Zürich"), sandbox);

        Path file = sandbox.resolve("server.properties");
        Map<String, String> expected = new LinkedHashMap<>(awkward);
        expected.put("from.an.attribute", "Zürich");
        // Properties.load(InputStream) reads ISO-8859-1: Kafka's Utils.loadProps, Cassandra's SnitchProperties
        assertThat(load(Files.newInputStream(file))).containsExactlyInAnyOrderEntriesOf(expected);
        // Properties.load(Reader) as UTF-8: Spark's spark-defaults.conf
        Properties utf8 = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            utf8.load(in);
        }
        assertThat(utf8).containsExactlyInAnyOrderEntriesOf(expected);
        byte[] bytes = Files.readAllBytes(file);
        assertThat(new String(bytes, StandardCharsets.US_ASCII).getBytes(StandardCharsets.US_ASCII))
                .as("plain ASCII, the same in either charset").isEqualTo(bytes);
        assertThat(file).content().contains("broker.rack=rack-Z\\u00FCrich-\\u6771\\u4EAC\n");
    }

    @Test
    void propertiesWithOnlyPlainAsciiValuesAreWrittenAsBefore() throws IOException {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("listeners", "PLAINTEXT://127.0.0.1:31005,CONTROLLER://127.0.0.1:31006");
        content.put("node.id", 2);
        content.put("log.dirs", "data/kafka-logs");
        content.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        content.put("a key", " x=y#z");
        ConfigFiles.render(Map.of(ConfigFiles.ENV, files("server.properties", "properties", content)), sandbox);
        assertThat(sandbox.resolve("server.properties")).hasContent("""
                # rendered by the mesos-operator executor from the task's data
                listeners=PLAINTEXT://127.0.0.1:31005,CONTROLLER://127.0.0.1:31006
                node.id=2
                log.dirs=data/kafka-logs
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                a\\ key=\\ x=y#z""");
    }

    @Test
    void yamlReadsBackUnchangedWithSnakeYamlAsCassandraReadsIt() throws IOException {
        Map<String, Object> content = new LinkedHashMap<>(awkward());
        content.put("num_tokens", 16);
        content.put("start_native_transport", true);
        content.put("seed_provider", List.of(Map.of("class_name", "SimpleSeedProvider",
                "parameters", List.of(Map.of("seeds", "${HOST}:7000, Zürich:7000")))));
        ConfigFiles.render(Map.of(ConfigFiles.ENV, files("cassandra.yaml", "yaml", content), "HOST", "10.0.0.5"), sandbox);

        Map<String, Object> expected = new LinkedHashMap<>(content);
        expected.put("seed_provider", List.of(Map.of("class_name", "SimpleSeedProvider",
                "parameters", List.of(Map.of("seeds", "10.0.0.5:7000, Zürich:7000")))));
        Object read;
        try (InputStream in = Files.newInputStream(sandbox.resolve("cassandra.yaml"))) {
            read = new Yaml().load(in); // as Cassandra's YamlConfigurationLoader: bytes, which SnakeYAML decodes as UTF-8
        }
        assertThat(read).isEqualTo(expected);
        assertThat(sandbox.resolve("cassandra.yaml")).content(StandardCharsets.UTF_8)
                .as("readable where YAML allows it, escaped where it does not")
                .contains("\"broker.rack\": \"rack-Zürich-東京\"", "del \\u007F, c1 \\u0080 \\u0085 \\u009F");
    }

    @Test
    void rendersYamlAsJsonAndLines() throws IOException {
        ConfigFiles.render(Map.of(ConfigFiles.ENV, """
                [{"path": "conf/app.yaml", "format": "yaml", "content": {"seeds": ["${HOST}:7000"], "n": 16}},
                 {"path": "jvm.options", "format": "lines", "content": ["-Xmx256m", "-Dport=${PORT0}"]}]""",
                "HOST", "10.0.0.5", "PORT0", "31000"), sandbox);
        assertThat(sandbox.resolve("conf/app.yaml")).content().contains("\"seeds\": [", "\"10.0.0.5:7000\"", "\"n\": 16");
        assertThat(sandbox.resolve("jvm.options")).hasContent("-Xmx256m\n-Dport=31000");
    }

    @Test
    void refusesAnUnknownVariableAndAPathOutsideTheSandbox() {
        assertThatThrownBy(() -> ConfigFiles.render(Map.of(ConfigFiles.ENV,
                "[{\"path\": \"a\", \"format\": \"lines\", \"content\": [\"${NOPE}\"]}]"), sandbox))
                .hasMessageContaining("${NOPE}");
        assertThatThrownBy(() -> ConfigFiles.render(Map.of(ConfigFiles.ENV,
                "[{\"path\": \"../escape\", \"format\": \"lines\", \"content\": []}]"), sandbox))
                .hasMessageContaining("outside the sandbox");
    }

    @Test
    void aTaskWithoutConfigFilesGetsNone() throws IOException {
        ConfigFiles.render(Map.of(), sandbox);
        try (var files = Files.list(sandbox)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aFileWithAModeHasItFromTheStartAndReplacesAnOlderReadOnlyCopy() throws IOException {
        String files = "[{\"path\": \"jmx/password\", \"format\": \"lines\", \"content\": [\"op ${SECRET}\"],"
                + " \"mode\": \"0400\"}, {\"path\": \"plain\", \"format\": \"lines\", \"content\": [], \"mode\": null}]";
        ConfigFiles.render(Map.of(ConfigFiles.ENV, files, "SECRET", "s3cret"), sandbox);
        Path password = sandbox.resolve("jmx/password");
        assertThat(password).hasContent("op s3cret");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(password)))
                .isEqualTo("r--------");
        // rendered again (a relaunch into the same directory): the read-only file is replaced, the mode kept
        ConfigFiles.render(Map.of(ConfigFiles.ENV, files, "SECRET", "other"), sandbox);
        assertThat(password).hasContent("op other");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(password)))
                .isEqualTo("r--------");
        try (var left = Files.list(password.getParent())) {
            assertThat(left).as("no temporary file left behind").containsExactly(password);
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(ConfigFiles.permissions("x", "0640")))
                .isEqualTo("rw-r-----");
        assertThatThrownBy(() -> ConfigFiles.render(Map.of(ConfigFiles.ENV,
                "[{\"path\": \"a\", \"format\": \"lines\", \"content\": [], \"mode\": \"rw\"}]"), sandbox))
                .hasMessageContaining("config file a: mode must be octal like 0400, not rw");
    }
}
