package io.mesosoperator.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.scheduler.events.WatchHub;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /v1/events on its own: the Server-Sent Events framing, the kind/name/only filters, the end of
 * the stream when the operator stops, a watcher that goes away, one that falls too far behind, and
 * the bearer token. The request and response are small fakes; the hub is the real one.
 */
class EventsServletTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    final WatchHub hub = new WatchHub();

    /** What the servlet wrote, and a switch that makes the connection fail (the client went away). */
    static final class Connection extends Writer {
        final StringBuffer written = new StringBuffer();
        volatile boolean gone;
        /** Counted down before each write returns: a test can hold the writer to make the watcher slow. */
        volatile CountDownLatch release = new CountDownLatch(0);

        @Override
        public void write(char[] chars, int off, int len) throws IOException {
            if (gone) {
                throw new IOException("connection reset by peer");
            }
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.append(chars, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (gone) {
                throw new IOException("connection reset by peer");
            }
        }

        @Override
        public void close() {
        }
    }

    /** A response that records status and headers and writes to {@code connection}. */
    static HttpServletResponse response(Connection connection, Map<String, Object> recorded) {
        PrintWriter writer = new PrintWriter(connection);
        return (HttpServletResponse) Proxy.newProxyInstance(EventsServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getWriter" -> writer;
                    case "setStatus", "setContentType", "setCharacterEncoding" -> {
                        recorded.put(method.getName(), args[0]);
                        yield null;
                    }
                    case "setHeader" -> {
                        recorded.put(String.valueOf(args[0]), args[1]);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static HttpServletRequest request(Map<String, String> parameters, String authorization) {
        return (HttpServletRequest) Proxy.newProxyInstance(EventsServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getParameter" -> parameters.get((String) args[0]);
                    case "getHeader" -> "Authorization".equalsIgnoreCase((String) args[0]) ? authorization : null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Runs the servlet's GET on a thread of its own, as a container would: it returns when the stream ends. */
    Future<Void> watch(EventsServlet servlet, HttpServletRequest request, Connection connection,
                       Map<String, Object> recorded) {
        FutureTask<Void> stream = new FutureTask<>(() -> {
            servlet.doGet(request, response(connection, recorded));
            return null;
        });
        Thread thread = new Thread(stream, "watcher");
        thread.setDaemon(true);
        thread.start();
        await().atMost(WAIT).until(() -> connection.written.toString().startsWith(": watching\n\n"));
        return stream;
    }

    static WatchHub.Change change(String kind, String resource, String reason) {
        return new WatchHub.Change("2026-12-05T10:00:00Z", kind, resource, "Normal", reason, "m");
    }

    @Test
    void sendsTheWantedChangesAsServerSentEventsAndEndsWhenTheOperatorStops() throws Exception {
        Connection connection = new Connection();
        Map<String, Object> recorded = new ConcurrentHashMap<>();
        Future<Void> stream = watch(new EventsServlet(hub, JSON, null),
                request(Map.of("kind", "service", "name", "web", "only", "status,event"), null), connection, recorded);
        assertThat(recorded).containsEntry("setStatus", 200).containsEntry("setContentType", "text/event-stream")
                .containsEntry("setCharacterEncoding", "UTF-8").containsEntry("Cache-Control", "no-cache");

        WatchHub.Change wanted = change("status", "Service/web", "3/3");
        hub.publish(change("status", "Service/other", "other name"));
        hub.publish(change("status", "KafkaCluster/web", "other kind"));
        hub.publish(change("task", "Service/web", "not asked for"));
        hub.publish(wanted);
        hub.endAll();

        stream.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(connection.written.toString()).isEqualTo(": watching\n\n"
                + "event: status\ndata: " + JSON.writeValueAsString(wanted) + "\n\n");
    }

    @Test
    void aWatcherThatWentAwayIsLetGoAtTheNextChange() throws Exception {
        Connection connection = new Connection();
        Future<Void> stream = watch(new EventsServlet(hub, JSON, null), request(Map.of(), null), connection,
                new ConcurrentHashMap<>());
        connection.gone = true;
        hub.publish(change("event", "Service/web", "Launching"));
        stream.get(WAIT.toSeconds(), TimeUnit.SECONDS); // the stream ended by itself
    }

    @Test
    void aWatcherTooFarBehindIsToldAndEnded() throws Exception {
        Connection connection = new Connection();
        Future<Void> stream = watch(new EventsServlet(hub, JSON, null), request(Map.of(), null), connection,
                new ConcurrentHashMap<>());
        connection.release = new CountDownLatch(1); // the client stops reading
        for (int i = 0; i <= 10_001; i++) { // one in the writer, a full queue, and one more
            hub.publish(change("event", "Service/web", "change " + i));
        }
        connection.release.countDown();

        stream.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(connection.written.toString()).endsWith(": dropped: this watcher fell 10000 changes behind\n\n")
                .doesNotContain("\"reason\":\"change 10001\"");
    }

    @Test
    void withProtectedReadsAWatcherNeedsTheToken(@TempDir Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "s3cret\n");
        EventsServlet servlet = new EventsServlet(hub, JSON, BearerAuthFilter.fromFile(tokens, true));
        Connection connection = new Connection();
        Map<String, Object> recorded = new ConcurrentHashMap<>();

        servlet.doGet(request(Map.of(), null), response(connection, recorded));
        assertThat(recorded).containsEntry("setStatus", 401).containsEntry("WWW-Authenticate", "Bearer realm=\"mesos-operator\"");

        Future<Void> stream = watch(servlet, request(Map.of(), "Bearer s3cret"), new Connection(), new ConcurrentHashMap<>());
        hub.endAll();
        stream.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
