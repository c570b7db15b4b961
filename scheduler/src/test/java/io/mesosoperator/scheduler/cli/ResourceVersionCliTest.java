package io.mesosoperator.scheduler.cli;

import static io.mesosoperator.scheduler.cli.StandInApi.reply;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.mesosoperator.scheduler.cli.StandInApi.Run;
import io.mesosoperator.scheduler.spec.SpecParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's side of optimistic concurrency, against a stand-in of the API on loopback: what `get
 * -o yaml` prints can be edited and applied with its metadata.resourceVersion (kept a string), the
 * writes that are not an apply pass --resource-version on, and a 409 reads as a conflict.
 */
class ResourceVersionCliTest {
    private static final String VERSION = "4294967302-4294967310";
    private static final String CONFLICT = "{\"errors\":[{\"path\":\"metadata.resourceVersion\",\"message\":\"Service/web has"
            + " changed since resourceVersion \\\"" + VERSION + "\\\": the current resourceVersion is \\\"4294967302-4294967400\\\";"
            + " nothing was changed (read it again, redo the change and retry)\",\"line\":6,\"column\":20}]}";

    @TempDir
    Path dir;
    HttpServer api;
    final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/v1/resources", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + (body.isEmpty() ? "" : "\n" + body));
            if (exchange.getRequestMethod().equals("GET")) {
                reply(exchange, 200, "{\"apiVersion\":\"mesos-operator.io/v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\","
                        + "\"generation\":2,\"resourceVersion\":\"" + VERSION + "\"},\"spec\":{\"instances\":2,\"command\":\"sleep 9\"}}");
            } else {
                reply(exchange, 409, CONFLICT);
            }
        });
        api.start();
    }

    @AfterEach
    void stopApi() {
        api.stop(0);
    }

    private Run run(ClientCommands.ClientCommand command, String... args) {
        return StandInApi.run(api, command, args);
    }

    @Test
    void whatGetPrintsIsAppliedWithItsResourceVersionAndAConflictSaysSo() throws IOException {
        Run get = run(new ClientCommands.Get(), "service", "web", "-o", "yaml");
        assertThat(get.code()).isZero();
        Path edited = dir.resolve("web.yaml");
        Files.writeString(edited, get.out().replace("instances: 2", "instances: 3"));
        // the server's own parser reads it back as the same string (not a number, not a date)
        assertThat(SpecParser.parse(Files.readString(edited)).tree().path("metadata").path("resourceVersion").textValue())
                .isEqualTo(VERSION);

        Run apply = run(new ClientCommands.Apply(), "-f", edited.toString());
        assertThat(requests).last().asString().startsWith("POST /v1/resources\n").contains(VERSION).contains("instances: 3");
        assertThat(apply.code()).isEqualTo(1);
        assertThat(apply.err()).startsWith(edited + ":6:20: metadata.resourceVersion: Service/web has changed since resourceVersion \""
                        + VERSION + "\": the current resourceVersion is \"4294967302-4294967400\"")
                .contains(edited + ": conflict: someone changed it since the resourceVersion you sent was read, and nothing was"
                        + " changed; read it again (`get KIND NAME -o yaml`), redo your change and retry");
    }

    @Test
    void deleteAndPlanControlPassTheResourceVersionOn() {
        Run delete = run(new ClientCommands.Delete(), "service", "web", "--resource-version", VERSION);
        assertThat(requests).last().isEqualTo("DELETE /v1/resources/service/web?resourceVersion=" + VERSION);
        assertThat(delete.code()).isEqualTo(1);
        assertThat(delete.err()).contains("metadata.resourceVersion: Service/web has changed").contains("conflict: ");

        run(new ClientCommands.PlanPause(), "service", "web", "--resource-version", VERSION);
        assertThat(requests).last().isEqualTo("POST /v1/resources/service/web/plan/pause?resourceVersion=" + VERSION);
        run(new ClientCommands.PlanPause(), "service", "web");
        assertThat(requests).last().isEqualTo("POST /v1/resources/service/web/plan/pause");
    }
}
