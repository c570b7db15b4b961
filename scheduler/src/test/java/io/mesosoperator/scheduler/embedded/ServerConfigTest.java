package io.mesosoperator.scheduler.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `server --bind/--api-port/--admin-port` make of the connectors, with and without a config file. */
class ServerConfigTest {
    @TempDir
    Path dir;

    private String written(ServerConfig config) throws Exception {
        return Files.readString(config.write(dir.resolve("out.yaml")));
    }

    @Test
    void bindMovesTheApiAloneTheAdminPortStaysOnLoopback() throws Exception {
        String yaml = written(ServerConfig.from(null).api("0.0.0.0", null).admin(9081));
        assertThat(yaml).contains("""
                  applicationConnectors:
                  - type: "http"
                    bindHost: "0.0.0.0"
                    port: 8080
                """).contains("""
                  adminConnectors:
                  - type: "http"
                    bindHost: "127.0.0.1"
                    port: 9081
                """);
    }

    @Test
    void flagsAmendTheConnectorsAFileDeclares() throws Exception {
        Path file = Files.writeString(dir.resolve("operator.yaml"), """
                server:
                  applicationConnectors: [{type: http, bindHost: 10.0.0.5, port: 8080, idleTimeout: 60s}]
                  adminConnectors: [{type: http, bindHost: 10.0.0.5, port: 8081}]
                """);
        String yaml = written(ServerConfig.from(file).api(null, 9080).admin(null));
        assertThat(yaml).contains("""
                  applicationConnectors:
                  - type: "http"
                    bindHost: "10.0.0.5"
                    port: 9080
                    idleTimeout: "60s"
                """).contains("""
                  adminConnectors:
                  - type: "http"
                    bindHost: "10.0.0.5"
                    port: 8081
                """);
        assertThat(written(ServerConfig.from(null).api(null, null).admin(null))).doesNotContain("Connectors");
    }
}
