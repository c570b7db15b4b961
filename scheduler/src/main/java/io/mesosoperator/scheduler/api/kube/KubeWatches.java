package io.mesosoperator.scheduler.api.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.events.WatchHub;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.glassfish.jersey.server.ChunkedOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes watches ({@code ?watch=true}): a chunked stream of {"type":"ADDED|MODIFIED|DELETED",
 * "object":...} lines. The operator's change feed ({@link WatchHub}: events, status and task
 * changes) wakes one thread, which compares every open watch's objects' resourceVersions with what
 * it last sent; a look every second catches what the feed does not carry (a delete, a follower's
 * view). No server thread is held while a watch is idle; at most {@code limit} are open at once.
 */
public final class KubeWatches implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubeWatches.class);
    /** How often the watches look even when the feed is silent. */
    static final Duration RESYNC = Duration.ofSeconds(1);
    /** How long a watch lasts when the client names no timeoutSeconds (Kubernetes ends them too; clients re-watch). */
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    private final ObjectMapper json;
    private final int limit;
    private final Set<Watch> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kube-watches");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean passPending = new AtomicBoolean();
    private final AutoCloseable subscription;

    public KubeWatches(WatchHub hub, ObjectMapper json, int limit) {
        this.json = json;
        this.limit = limit;
        this.subscription = hub.watch(change -> {
            if (change == WatchHub.END) {
                stopAll();
            } else {
                wake();
            }
        });
        thread.scheduleWithFixedDelay(this::pass, RESYNC.toMillis(), RESYNC.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One open watch: what it lists, how it renders an object, and what it has sent. */
    private final class Watch {
        final Supplier<Map<String, ObjectNode>> current;
        final Function<ObjectNode, ObjectNode> render;
        final ChunkedOutput<String> out = new ChunkedOutput<>(String.class);
        final long deadline;
        final Map<String, ObjectNode> sent = new LinkedHashMap<>();

        Watch(Supplier<Map<String, ObjectNode>> current, Function<ObjectNode, ObjectNode> render, Duration timeout) {
            this.current = current;
            this.render = render;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        /** The first answer: everything (from no resourceVersion) or what changed after the given one. */
        void start(String resourceVersion) throws IOException {
            long since = resourceVersion == null || resourceVersion.isEmpty() ? 0 : KubeObjects.order(resourceVersion);
            for (Map.Entry<String, ObjectNode> e : current.get().entrySet()) {
                if (since == 0) {
                    send("ADDED", e.getValue());
                } else if (KubeObjects.order(version(e.getValue())) > since) {
                    send("MODIFIED", e.getValue());
                }
                sent.put(e.getKey(), e.getValue());
            }
        }

        /** Sends what changed since the last look; false once the watch is over. */
        boolean look() throws IOException {
            if (out.isClosed() || System.nanoTime() > deadline) {
                return false;
            }
            Map<String, ObjectNode> now = current.get();
            for (Map.Entry<String, ObjectNode> e : now.entrySet()) {
                ObjectNode before = sent.get(e.getKey());
                if (before == null) {
                    send("ADDED", e.getValue());
                } else if (!version(before).equals(version(e.getValue()))) {
                    send("MODIFIED", e.getValue());
                }
            }
            for (String gone : List.copyOf(sent.keySet())) {
                if (!now.containsKey(gone)) {
                    send("DELETED", sent.get(gone));
                }
            }
            sent.clear();
            sent.putAll(now);
            return true;
        }

        void send(String type, ObjectNode object) throws IOException {
            ObjectNode event = json.createObjectNode();
            event.put("type", type);
            event.set("object", render.apply(object));
            out.write(line(event));
        }

        void close() {
            open.remove(this);
            try {
                out.close();
            } catch (IOException e) {
                // the client is gone already
            }
        }
    }

    private String line(ObjectNode event) throws JsonProcessingException {
        return json.writeValueAsString(event) + "\n";
    }

    private static String version(ObjectNode object) {
        return object.path("metadata").path("resourceVersion").asText("");
    }

    /**
     * Opens a watch of what {@code current} lists (keyed by "Kind/name"), starting after
     * {@code resourceVersion} (null or "0": every current object as ADDED first), each object
     * written as {@code render} makes it (the object itself, or a one-row Table); null when
     * {@code limit} watches are open.
     */
    ChunkedOutput<String> open(Supplier<Map<String, ObjectNode>> current, String resourceVersion, Duration timeout,
                               Function<ObjectNode, ObjectNode> render) {
        if (open.size() >= limit) {
            return null;
        }
        Watch watch = new Watch(current, render, timeout);
        thread.execute(() -> {
            try {
                watch.start(resourceVersion);
                // looked at by passes only once started: a pass queued before would see nothing sent yet and
                // send every object as ADDED, whatever resourceVersion the client gave
                open.add(watch);
            } catch (IOException | RuntimeException e) {
                watch.close();
            }
        });
        return watch.out;
    }

    private void wake() {
        if (passPending.compareAndSet(false, true)) {
            thread.execute(this::pass);
        }
    }

    private void pass() {
        passPending.set(false);
        for (Watch w : List.copyOf(open)) {
            try {
                if (!w.look()) {
                    w.close();
                }
            } catch (IOException e) {
                w.close(); // the client went away
            } catch (RuntimeException e) {
                LOG.warn("a Kubernetes watch failed and is closed: {}", e.toString());
                w.close();
            }
        }
    }

    /** Ends every watch (the server is stopping); clients see the stream end and may watch again. */
    public void stopAll() {
        List.copyOf(open).forEach(Watch::close);
    }

    @Override
    public void close() {
        stopAll();
        try {
            subscription.close();
        } catch (Exception e) {
            // nothing holds it
        }
        thread.shutdownNow();
    }
}
