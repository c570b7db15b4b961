package io.mesosoperator.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.DropwizardTestSupport;
import io.mesosoperator.local.EmbeddedZooKeeper;
import io.mesosoperator.scheduler.embedded.ServerConfig;
import io.mesosoperator.scheduler.operator.Operator;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits on a leading operator over real HTTP and a real ZooKeeper (no Mesos: writes are
 * stored and nothing is launched). The spec size limit is raised to 2 MiB here so that a 700 KB
 * spec gets past it to the store, which must refuse it before sending it to ZooKeeper: in both
 * cases the answer is 413 and the operator keeps leading (the same term's Operator acts after).
 */
class ApiLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SPEC_BYTES = 2 << 20;

    @TempDir
    static Path dir;
    static EmbeddedZooKeeper zk;
    static DropwizardTestSupport<OperatorConfiguration> app;
    static Path specs;
    static Path log;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startALeadingOperator() throws Exception {
        zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
        specs = Files.createDirectories(dir.resolve("specs"));
        log = dir.resolve("operator.log");
        int noMaster;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            noMaster = s.getLocalPort(); // closed again: the operator looks for Mesos there and keeps retrying
        }
        Path config = ServerConfig.from(null)
                .set("zookeeper.connect", zk.connectString())
                .set("mesos.master", "http://127.0.0.1:" + noMaster)
                .set("mesos.executorUri", "http://127.0.0.1:" + noMaster + "/executor.jar")
                .set("limits.maxSpecBytes", MAX_SPEC_BYTES)
                .set("api.specsDir", specs.toString())
                .ports("127.0.0.1", 0, 0)
                .logging(log, false)
                .write(dir.resolve("operator.yaml"));
        app = new DropwizardTestSupport<>(OperatorApplication.class, config.toString());
        app.before();
        await("the operator leads").atMost(Duration.ofSeconds(30)).until(() -> operator() != null);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.after();
        }
        zk.close();
    }

    private static Operator operator() {
        return ((OperatorApplication) app.getApplication()).operator();
    }

    private static String service(String name, String extra) {
        return "apiVersion: mesos-operator.io/v1\nkind: Service\nmetadata:\n  name: " + name
                + "\nspec:\n  instances: 1\n  command: sleep 1000\n" + extra;
    }

    private static HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.getLocalPort() + path))
                .header("Content-Type", "application/yaml").method(method, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String yaml) throws Exception {
        return send("POST", "/v1/resources", HttpRequest.BodyPublishers.ofString(yaml));
    }

    private static String firstError(HttpResponse<String> response) throws Exception {
        JsonNode error = JSON.readTree(response.body()).path("errors").get(0);
        return error.path("message").asText();
    }

    @Test
    void aSpecTooLargeForZooKeeperIs413AndTheOperatorKeepsLeading() throws Exception {
        Operator leading = operator();
        // the spec: one env value of 700 KB, which with its history entry is over ZooKeeper's 1 MiB
        String big = service("big", "  env:\n    BIG: " + "x".repeat(700_000) + "\n");
        for (int attempt = 0; attempt < 3; attempt++) { // each used to cost the ZooKeeper session
            HttpResponse<String> refused = post(big);
            assertThat(refused.statusCode()).isEqualTo(413);
            assertThat(firstError(refused)).matches("not stored: Service/big is too large to store: 14\\d{5} bytes in one"
                    + " ZooKeeper request, larger than the limit of \\d+ bytes .*");
        }
        assertThat(send("GET", "/v1/resources/Service/big", HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(404);

        assertThat(post(service("small", "")).statusCode()).isEqualTo(201);
        assertThat(operator()).as("the same leadership term acts").isSameAs(leading);
    }

    @Test
    void aBodyOverTheLimitIs413WhetherItsLengthIsDeclaredOrNot() throws Exception {
        Operator leading = operator();
        byte[] huge = service("huge", "  env:\n    BIG: " + "x".repeat(MAX_SPEC_BYTES) + "\n").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> declared = send("POST", "/v1/resources", HttpRequest.BodyPublishers.ofByteArray(huge));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(firstError(declared)).isEqualTo("the spec (" + huge.length + " bytes) is larger than the limit of "
                + MAX_SPEC_BYTES + " bytes (limits.maxSpecBytes)");

        // no Content-Length: sent chunked, cut off while read
        HttpResponse<String> chunked = send("POST", "/v1/resources",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge)));
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(firstError(chunked)).isEqualTo("the spec (more than " + MAX_SPEC_BYTES + " bytes) is larger than the limit"
                + " of " + MAX_SPEC_BYTES + " bytes (limits.maxSpecBytes)");

        assertThat(post(service("after-huge", "")).statusCode()).isEqualTo(201);
        assertThat(operator()).isSameAs(leading);
    }

    @Test
    void namesInUrlsAreCheckedBeforeTheStoreSeesThem() throws Exception {
        // characters ZooKeeper refuses in a path used to end in a 500
        for (String name : new String[] {"%E2%82%AC", "a%20b", "UPPER", "a.b", "a%2Fb"}) {
            for (String method : new String[] {"GET", "DELETE"}) {
                HttpResponse<String> bad = send(method, "/v1/resources/Service/" + name, HttpRequest.BodyPublishers.noBody());
                assertThat(bad.statusCode()).as(method + " " + name).isEqualTo(400);
                assertThat(firstError(bad)).as(name).contains("is not a valid resource name");
            }
            assertThat(send("GET", "/v1/resources/Service/" + name + "/logs", HttpRequest.BodyPublishers.noBody())
                    .statusCode()).as("logs of " + name).isEqualTo(400);
        }
        assertThat(send("GET", "/v1/resources/Gadget/x/logs", HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(404);
        // a NUL Jetty refuses itself, before the API
        assertThat(send("GET", "/v1/resources/Service/a%00b", HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(400);
    }

    @Test
    void aSpecsDirFileOverALimitIsRefusedWithItsNameAndNothingRunningChanges() throws Exception {
        Files.writeString(specs.resolve("b-web.yaml"), service("web", ""));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                send("GET", "/v1/resources/Service/web", HttpRequest.BodyPublishers.noBody()).statusCode() == 200);

        // the same resource, made hostile two ways, and a file too large to read at all
        Files.writeString(specs.resolve("a-huge.yaml"), service("huge", "  env:\n    A: " + "x".repeat(MAX_SPEC_BYTES) + "\n"));
        Files.writeString(specs.resolve("b-web.yaml"), service("web", "  env: {A: 1, A: 2}\n"));
        StringBuilder laughs = new StringBuilder(service("bomb", "  env: {}\n") + "l0: &l0 [lol, lol]\n");
        for (int i = 1; i <= 30; i++) {
            laughs.append("l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l").append(i - 1)
                    .append("]\n");
        }
        Files.writeString(specs.resolve("c-bomb.yaml"), laughs);
        // files are applied in name order within a scan: once z- is applied, the others were tried
        Files.writeString(specs.resolve("z-sentinel.yaml"), service("sentinel", ""));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                send("GET", "/v1/resources/Service/sentinel", HttpRequest.BodyPublishers.noBody()).statusCode() == 200);

        JsonNode web = JSON.readTree(send("GET", "/v1/resources/Service/web", HttpRequest.BodyPublishers.noBody()).body());
        assertThat(web.path("metadata").path("generation").asLong()).isEqualTo(1);
        assertThat(web.path("spec").has("env")).isFalse();
        for (String refused : new String[] {"huge", "bomb"}) {
            assertThat(send("GET", "/v1/resources/Service/" + refused, HttpRequest.BodyPublishers.noBody()).statusCode())
                    .as(refused).isEqualTo(404);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(log))
                .contains("a-huge.yaml: the spec (" + Files.size(specs.resolve("a-huge.yaml")) + " bytes, written ")
                .contains("b-web.yaml:8:15: spec.env.A: duplicate key 'A' (first written at line 8) (refused; the running"
                        + " spec is unchanged)")
                .containsPattern("c-bomb.yaml:\\d+:\\d+: l\\d+(\\[\\d+])*: more than 10000 keys and list elements in all"));
    }
}
