package io.mesosoperator.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
