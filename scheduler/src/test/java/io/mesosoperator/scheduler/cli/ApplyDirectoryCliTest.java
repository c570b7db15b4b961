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
 * `apply -f DIR` and `delete -f DIR`, against a stand-in of the API on loopback: every spec of the
 * directory, each resource after those it references (before them when deleting), and a cycle of
 * references refused before anything is sent.
 */
class ApplyDirectoryCliTest {
    @TempDir
    Path dir;
    HttpServer api;
    /** "POST Kind/name" or "DELETE path", in the order the API received them. */
    final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/v1/resources", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (exchange.getRequestMethod().equals("POST")) {
                var doc = SpecParser.parse(body).tree();
                String key = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
                requests.add("POST " + key);
                reply(exchange, 201, "{\"kind\":\"" + doc.path("kind").asText() + "\",\"metadata\":{\"name\":\""
                        + doc.path("metadata").path("name").asText() + "\",\"generation\":1},\"change\":\"created\"}");
            } else {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
                reply(exchange, 200, "{\"kind\":\"" + exchange.getRequestURI().getPath().split("/")[3] + "\"}");
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

    private void spec(String file, String kind, String name, String... references) throws IOException {
        StringBuilder env = new StringBuilder();
        for (int i = 0; i < references.length; i++) {
            String[] kindName = references[i].split(" ");
            env.append("    REF").append(i).append(": {valueFrom: {resource: ").append(kindName[0]).append(", field: ")
                    .append(kindName[1]).append("}}\n");
        }
        Files.writeString(dir.resolve(file), """
                apiVersion: mesos-operator.io/v1
                kind: %s
                metadata: {name: %s}
                spec:
                  command: sleep 100
                  env:
                    PLAIN: x
                %s""".formatted(kind, name, env));
    }

    @Test
    void appliesEveryResourceAfterThoseItReferencesAndDeletesInReverse() throws IOException {
        // by name, query would go first; it takes from ingest and the ring, ingest from events
        spec("a-query.yaml", "Service", "query", "Service/ingest endpoints.http", "CassandraCluster/ring contactPoints");
        spec("b-ingest.yml", "Service", "ingest", "KafkaCluster/events bootstrapServers");
        spec("c-events.yaml", "KafkaCluster", "events");
        spec("d-ring.yaml", "CassandraCluster", "ring");
        Files.writeString(dir.resolve("notes.txt"), "not a spec");
        Files.createDirectory(dir.resolve("more"));
        Files.writeString(dir.resolve("more").resolve("other.yaml"), "kind: Service\nmetadata: {name: other}\n");

        Run apply = run(new ClientCommands.Apply(), "-f", dir.toString());
        assertThat(apply.code()).as(apply.err()).isZero();
        assertThat(requests).containsExactly("POST KafkaCluster/events", "POST Service/ingest", "POST CassandraCluster/ring",
                "POST Service/query");
        assertThat(apply.out()).contains("kafkacluster/events created (generation 1)");

        requests.clear();
        Run delete = run(new ClientCommands.Delete(), "-f", dir.toString());
        assertThat(delete.code()).as(delete.err()).isZero();
        assertThat(requests).containsExactly("DELETE /v1/resources/Service/query", "DELETE /v1/resources/CassandraCluster/ring",
                "DELETE /v1/resources/Service/ingest", "DELETE /v1/resources/KafkaCluster/events");

        requests.clear();
        assertThat(run(new ClientCommands.Apply(), "-f", dir.resolve("b-ingest.yml").toString()).code()).isZero();
        assertThat(requests).containsExactly("POST Service/ingest");
    }

    @Test
    void aCycleOfReferencesIsRefusedNamingItsResourcesAndNothingIsApplied() throws IOException {
        spec("a.yaml", "Service", "a", "Service/b endpoints.http");
        spec("b.yaml", "Service", "b", "Service/c endpoints.http");
        spec("c.yaml", "Service", "c", "Service/a endpoints.http");
        spec("d.yaml", "Service", "d");

        Run apply = run(new ClientCommands.Apply(), "-f", dir.toString());
        assertThat(apply.code()).isEqualTo(1);
        assertThat(apply.err().strip()).isEqualTo("error: cannot apply " + dir + ": references form a cycle: Service/a"
                + " -> Service/b -> Service/c -> Service/a (a.yaml, b.yaml, c.yaml); resources that wait for each other's"
                + " status never start");
        assertThat(requests).isEmpty();
    }

    @Test
    void deleteTakesEitherAResourceOrFiles() {
        Run neither = run(new ClientCommands.Delete());
        assertThat(neither.code()).isEqualTo(1);
        assertThat(neither.err().strip()).isEqualTo("error: give either KIND NAME or -f FILE|DIRECTORY");
        assertThat(run(new ClientCommands.Delete(), "service", "web").code()).isZero();
        assertThat(requests).containsExactly("DELETE /v1/resources/service/web");
    }
}
