package io.mesosoperator.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.scheduler.events.WatchHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /v1/events on a real Jetty of its own, over plain sockets: the Server-Sent Events framing, the
 * kind/name/only filters, the end of the stream when the operator stops, the keep-alive comment, a
 * watcher that goes away, one that falls too far behind, the cap on watchers, and the bearer token.
 * The hub is the real one.
 */
class EventsServletTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WATCHING = ": watching\n\n";

    final WatchHub hub = new WatchHub();
    EventStreams streams;
    Server server;

    /** Serves /v1/events from a hub with at most {@code maxWatchers} streams; its port. */
    int serve(int maxWatchers, Duration keepAlive, BearerAuthFilter auth) throws Exception {
        streams = new EventStreams(hub, JSON, maxWatchers, keepAlive);
        server = new Server(new QueuedThreadPool(16, 4));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder events = new ServletHolder(new EventsServlet(streams, auth));
        events.setAsyncSupported(true);
        context.addServlet(events, "/v1/events");
        server.setHandler(context);
        server.start();
        return connector.getLocalPort();
    }

    int serve() throws Exception {
        return serve(100, EventStreams.KEEP_ALIVE, null);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            hub.endAll();
            server.stop();
            streams.stop();
        }
    }

    static WatchHub.Change change(String kind, String resource, String reason) {
        return new WatchHub.Change("2026-12-05T10:00:00Z", kind, resource, "Normal", reason, "m");
    }

    @Test
    void sendsTheWantedChangesAsServerSentEventsAndEndsWhenTheOperatorStops() throws Exception {
        try (SseClient watcher = SseClient.open(serve(), "/v1/events?kind=service&name=web&only=status,event", null)) {
            assertThat(watcher.status).isEqualTo(200);
            assertThat(watcher.headers).containsEntry("content-type", "text/event-stream;charset=utf-8")
                    .containsEntry("cache-control", "no-cache");
            watcher.readUntil(WATCHING::equals);

            WatchHub.Change wanted = change("status", "Service/web", "3/3");
            hub.publish(change("status", "Service/other", "other name"));
            hub.publish(change("status", "KafkaCluster/web", "other kind"));
            hub.publish(change("task", "Service/web", "not asked for"));
            hub.publish(wanted);
            hub.endAll();

            assertThat(watcher.readToEnd()).isEqualTo(WATCHING + "event: status\ndata: " + JSON.writeValueAsString(wanted) + "\n\n");
            await().until(() -> streams.open() == 0);
        }
    }

    @Test
    void anIdleStreamGetsAKeepAliveComment() throws Exception {
        try (SseClient watcher = SseClient.open(serve(10, Duration.ofMillis(100), null), "/v1/events", null)) {
            assertThat(watcher.readUntil(body -> body.length() >= 40)).startsWith(WATCHING + ": keep-alive\n\n: keep-alive\n\n");
        }
    }

    @Test
    void aWatcherThatWentAwayIsLetGo() throws Exception {
        int port = serve();
        SseClient watcher = SseClient.open(port, "/v1/events", null);
        watcher.readUntil(WATCHING::equals);
        assertThat(streams.open()).isEqualTo(1);
        watcher.close();
        // the server learns it at a write: a change (or the keep-alive) finds the connection gone
        await().until(() -> {
            hub.publish(change("event", "Service/web", "Launching"));
            return streams.open() == 0;
        });
    }

    @Test
    void aWatcherTooFarBehindIsToldAndEnded() throws Exception {
        int port = serve();
        try (SseClient watcher = SseClient.open(port, "/v1/events", null, 4096)) { // it reads nothing for now
            String padding = "x".repeat(1000);
            // the socket buffers hold a few MB: well after they are full, the queue overflows
            int published = 0;
            for (; published < 40_000; published++) {
                hub.publish(new WatchHub.Change("2026-12-05T10:00:00Z", "event", "Service/web", "Normal",
                        "change " + published, padding));
            }
            String body = watcher.readToEnd();
            assertThat(body).startsWith(WATCHING).endsWith(": dropped: this watcher fell 10000 changes behind\n\n")
                    .doesNotContain("\"reason\":\"change " + (published - 1) + "\"");
            assertThat(streams.open()).isZero();
        }
    }

    @Test
    void beyondTheCapAWatcherIsToldToRetryLater() throws Exception {
        int port = serve(2, EventStreams.KEEP_ALIVE, null);
        SseClient first = SseClient.open(port, "/v1/events", null);
        try (SseClient second = SseClient.open(port, "/v1/events", null)) {
            first.readUntil(WATCHING::equals);
            second.readUntil(WATCHING::equals);

            try (SseClient third = SseClient.open(port, "/v1/events", null)) {
                assertThat(third.status).isEqualTo(429);
                assertThat(third.headers).containsEntry("retry-after", "15").containsEntry("content-type",
                        "application/json;charset=utf-8");
                JsonNode error = JSON.readTree(third.readToEnd()).path("errors").get(0);
                assertThat(error.path("path").asText()).isEmpty();
                assertThat(error.path("message").asText()).isEqualTo(
                        "too many watchers: this operator serves at most 2 event streams at once (api.maxWatchers); retry later");
            }

            first.close();
            await().until(() -> {
                hub.publish(change("event", "Service/web", "Launching"));
                return streams.open() == 1;
            });
            try (SseClient again = SseClient.open(port, "/v1/events", null)) {
                assertThat(again.status).isEqualTo(200);
            }
        }
    }

    @Test
    void withProtectedReadsAWatcherNeedsTheToken(@TempDir Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "s3cret\n");
        int port = serve(10, EventStreams.KEEP_ALIVE, BearerAuthFilter.fromFile(tokens, true, key -> null));

        try (SseClient anonymous = SseClient.open(port, "/v1/events", null)) {
            assertThat(anonymous.status).isEqualTo(401);
            assertThat(anonymous.headers).containsEntry("www-authenticate", "Bearer realm=\"mesos-operator\"");
            assertThat(JSON.readTree(anonymous.readToEnd()).path("errors").get(0).path("message").asText())
                    .startsWith("this operator requires a bearer token");
        }
        try (SseClient wrong = SseClient.open(port, "/v1/events", "guess")) {
            assertThat(wrong.status).isEqualTo(401);
        }
        assertThat(streams.open()).isZero();
        try (SseClient watcher = SseClient.open(port, "/v1/events", "s3cret")) {
            assertThat(watcher.status).isEqualTo(200);
            watcher.readUntil(WATCHING::equals);
        }
    }
}
