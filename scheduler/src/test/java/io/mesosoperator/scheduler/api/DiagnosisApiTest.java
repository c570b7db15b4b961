package io.mesosoperator.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.mesosoperator.scheduler.anomaly.DetectorSettings;
import io.mesosoperator.scheduler.metrics.SeriesReader;
import io.mesosoperator.scheduler.monitor.AnomalyMonitor;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.EmptyReads;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.ws.rs.core.Response;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** A follower's diagnosis: the leader's live findings when it answers, else what the follower stored and why. */
class DiagnosisApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceKey WEB = new ResourceKey("Service", "web");

    private final EmptyReads stored = new EmptyReads() {
        @Override
        public Resource resource(ResourceKey key) {
            return key.equals(WEB) ? new Resource(JSON.createObjectNode().put("apiVersion", Resource.API_VERSION)
                    .put("kind", "Service").set("metadata", JSON.createObjectNode().put("name", "web"))) : null;
        }

        @Override
        public List<OperatorEvent> events(ResourceKey key) {
            return List.of(new OperatorEvent("2026-12-07T03:00:00Z", "Warning", "AnomalyDetected", "memory rising"),
                    new OperatorEvent("2026-12-07T03:00:01Z", "Normal", "Launching", "web-0"));
        }
    };
    private final AnomalyMonitor monitor = new AnomalyMonitor(new AnomalyMonitor.Settings(Duration.ofSeconds(15),
            DetectorSettings.DEFAULTS, Duration.ofMinutes(10), List.of()), List.of("Service"),
            new SeriesReader(new PrometheusRegistry()), () -> null, Clock.systemUTC());

    private DiagnosisApi follower(Optional<String> leader) {
        return new DiagnosisApi(new OperatorAccess(() -> null, stored, () -> leader), monitor,
                JSON, UnaryOperator.identity());
    }

    private static JsonNode body(Response response) {
        return (JsonNode) response.getEntity();
    }

    @Test
    void aFollowerAnswersWithTheLeadersFindingsPassingOnTheToken() throws Exception {
        AtomicReference<String> asked = new AtomicReference<>();
        HttpServer leader = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        leader.createContext("/", exchange -> {
            asked.set(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("Authorization")
                    + " " + exchange.getRequestHeaders().getFirst(DiagnosisApi.FORWARDED));
            byte[] body = "{\"resource\":\"Service/web\",\"findings\":[{\"series\":\"task_memory_bytes\"}],\"series\":[]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        leader.start();
        try {
            String url = "http://127.0.0.1:" + leader.getAddress().getPort();
            Response response = follower(Optional.of(url)).diagnose("Service", "web", "Bearer t0k", null);

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(body(response).path("servedBy").asText()).isEqualTo(url);
            assertThat(body(response).path("findings").get(0).path("series").asText()).isEqualTo("task_memory_bytes");
            // the leader is told the request was forwarded, so that an operator that lost the lead does not forward it back
            assertThat(asked.get()).isEqualTo("/v1/resources/Service/web/diagnosis Bearer t0k 1");
        } finally {
            leader.stop(0);
        }
    }

    @Test
    void withoutAnAnsweringLeaderItShowsWhatItStoredAndSaysWhy() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ObjectNode gone = (ObjectNode) body(follower(Optional.of("http://127.0.0.1:" + closed)).diagnose("Service", "web", null, null));
        assertThat(gone.path("note").asText()).startsWith("this operator is a follower and the leader at http://127.0.0.1:"
                + closed + " did not answer");
        assertThat(gone.has("servedBy")).isFalse();
        assertThat(gone.path("events")).hasSize(1); // the anomaly events only
        assertThat(gone.path("events").get(0).path("reason").asText()).isEqualTo("AnomalyDetected");

        assertThat(body(follower(Optional.empty()).diagnose("Service", "web", null, null)).path("note").asText())
                .contains("no other operator leads now");
        assertThat(body(follower(Optional.of("http://127.0.0.1:" + closed)).diagnose("Service", "web", null, "1"))
                .path("note").asText()).contains("answers another operator's request");
        assertThat(follower(Optional.empty()).diagnose("Service", "nope", null, null).getStatus()).isEqualTo(404);
    }
}
