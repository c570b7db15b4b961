package io.mesosoperator.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.DropwizardTestSupport;
import io.mesosoperator.local.EmbeddedZooKeeper;
import io.mesosoperator.scheduler.embedded.ServerConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole operator server (Dropwizard, Jetty, the leader's control loop) on a real ZooKeeper and
 * no Mesos master: what the API and the admin port do under many watchers and with a token. The
 * API has fewer threads than there are watchers, so a thread held per watcher would starve it.
 */
class OperatorServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "tok-3b8e61d0";
    /** The cap on watchers, all of them opened by the test: well over the API's threads. */
    private static final int WATCHERS = 420;
    private static final int API_THREADS = 32;
    private static final String WATCHING = ": watching\n\n";

    @TempDir
    static Path dir;
    static EmbeddedZooKeeper zk;
    static DropwizardTestSupport<OperatorConfiguration> server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
        Path tokens = Files.writeString(dir.resolve("tokens"), TOKEN + "\n");
        Path config = ServerConfig.from(null)
                .set("mesos.master", "http://127.0.0.1:" + closedPort()) // no Mesos: specs are stored, nothing runs
                .set("mesos.executorUri", "http://127.0.0.1/mesos-operator-executor.jar")
                .set("zookeeper.connect", zk.connectString())
                .set("api.tokenFile", tokens.toString())
                .set("api.maxWatchers", WATCHERS)
                .set("server.maxThreads", API_THREADS)
                .ports("127.0.0.1", 0, 0)
                .logging(Path.of("target", "test-logs", "OperatorServerTest.log").toAbsolutePath(), false) // kept for a look
                .write(dir.resolve("operator.yaml"));
        server = new DropwizardTestSupport<>(OperatorApplication.class, config.toString());
        server.before();
        await("the operator leads").atMost(Duration.ofSeconds(30))
                .until(() -> ((OperatorApplication) server.getApplication()).operator() != null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.after();
        }
        if (zk != null) {
            zk.close();
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private HttpResponse<String> send(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/yaml")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String api(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    private String admin(String path) {
        return "http://127.0.0.1:" + server.getAdminPort() + path;
    }

    @Test
    void hundredsOfIdleWatchersLeaveTheApiAnsweringAndStillHearOfAnApply() throws Exception {
        List<SseClient> watchers = new ArrayList<>();
        try {
            for (int i = 0; i < WATCHERS; i++) {
                SseClient watcher = SseClient.open(server.getLocalPort(), i % 2 == 0 ? "/v1/events" : "/v1/events?kind=service",
                        null);
                watchers.add(watcher);
                assertThat(watcher.status).as("watcher %d", i).isEqualTo(200);
                watcher.readUntil(WATCHING::equals);
            }

            // every watcher holds its connection, none a thread: the API still answers
            String spec = """
                    apiVersion: mesos-operator.io/v1
                    kind: Service
                    metadata: {name: web}
                    spec: {instances: 1, command: sleep 1000}
                    """;
            assertThat(send("POST", api("/v1/resources"), TOKEN, spec).statusCode()).isEqualTo(201);
            assertThat(send("GET", api("/v1/resources/Service/web"), null, null).statusCode()).isEqualTo(200);
            assertThat(send("POST", api("/v1/resources"), TOKEN, spec.replace("instances: 1", "instances: 2")).statusCode())
                    .isEqualTo(200);
            assertThat(send("GET", api("/v1/resources"), null, null).statusCode()).isEqualTo(200);

            for (SseClient watcher : List.of(watchers.get(0), watchers.get(WATCHERS - 1))) {
                assertThat(watcher.readUntil(body -> body.contains("\"reason\":\"SpecScaled\"")))
                        .contains("event: event\ndata: {").contains("\"resource\":\"Service/web\"")
                        .contains("\"reason\":\"SpecCreated\"");
            }

            HttpResponse<String> oneTooMany = send("GET", api("/v1/events"), null, null);
            assertThat(oneTooMany.statusCode()).isEqualTo(429);
            assertThat(oneTooMany.headers().firstValue("Retry-After")).hasValue("15");
            assertThat(JSON.readTree(oneTooMany.body()).path("errors").get(0).path("message").asText())
                    .startsWith("too many watchers: this operator serves at most " + WATCHERS + " event streams at once");
        } finally {
            for (SseClient watcher : watchers) {
                watcher.close();
            }
        }
    }

    @Test
    void theAdminPortsTasksNeedTheTokenItsHealthAndMetricsDoNot() throws Exception {
        String logLevel = admin("/tasks/log-level?logger=io.mesosoperator.scheduler.api&level=INFO");
        HttpResponse<String> anonymous = send("POST", logLevel, null, "");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"mesos-operator\"");
        assertThat(JSON.readTree(anonymous.body()).path("errors").get(0).path("message").asText())
                .startsWith("this operator requires a bearer token");
        assertThat(send("POST", logLevel, "guess", "").statusCode()).isEqualTo(401);
        assertThat(send("POST", admin("/tasks/gc"), null, "").statusCode()).isEqualTo(401);

        HttpResponse<String> authorized = send("POST", logLevel, TOKEN, "");
        assertThat(authorized.statusCode()).isEqualTo(200);
        assertThat(authorized.body()).contains("io.mesosoperator.scheduler.api").contains("INFO");

        // reads stay open (api.protectReads is false); the health check is unhealthy here, with no Mesos to subscribe to
        HttpResponse<String> health = send("GET", admin("/healthcheck"), null, null);
        assertThat(health.statusCode()).isEqualTo(500);
        assertThat(health.body()).contains("\"zookeeper\":{\"healthy\":true");
        HttpResponse<String> metrics = send("GET", admin("/metrics/prometheus"), null, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("mesos_operator_leader");
    }

    @Test
    void aWriteWithoutTheTokenIsRefusedBeforeTheApiLooksAtIt() throws Exception {
        // a body the call does not take, a method the path does not have, a path that does not exist:
        // a caller without the token learns none of that, only that it needs one
        String runs = api("/v1/resources/SparkJob/nightly/runs/1/attempts/1/executors");
        assertThat(send("POST", runs, null, "x").statusCode()).isEqualTo(401);
        assertThat(send("POST", api("/v1/kinds"), null, "").statusCode()).isEqualTo(401);
        assertThat(send("PUT", api("/v1/no-such-path"), "guess", "").statusCode()).isEqualTo(401);
        // with it, the API's own answers
        assertThat(send("POST", runs, TOKEN, "x").statusCode()).isEqualTo(415);
        assertThat(send("POST", api("/v1/kinds"), TOKEN, "").statusCode()).isEqualTo(405);
        assertThat(send("PUT", api("/v1/no-such-path"), TOKEN, "").statusCode()).isEqualTo(404);
    }
}
