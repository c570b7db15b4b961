package io.mesosoperator.scheduler.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.lifecycle.Managed;
import io.mesosoperator.scheduler.events.WatchHub;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open GET /v1/events streams, served without a thread per stream: one subscription to the hub
 * renders each change once and hands it to the streams that want it, two shared threads write to
 * whichever clients can take more, and one timer sends every stream its keep-alive comment. At
 * most {@code max} streams are open at once (the API answers 429 beyond).
 */
final class EventStreams implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
    /** Every 15 s, as before: proxies and the server's 30 s idle timeout keep an idle stream open. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final int max;
    private final ObjectMapper json;
    private final AtomicInteger reserved = new AtomicInteger();
    private final Set<EventStream> open = ConcurrentHashMap.newKeySet();
    /** Writes (never blocking: a stream writes only what its client can take) and the keep-alive timer. */
    private final ScheduledExecutorService writers = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "event-streams");
        t.setDaemon(true);
        return t;
    });
    private final AutoCloseable subscription;

    EventStreams(WatchHub hub, ObjectMapper json, int max, Duration keepAlive) {
        this.max = max;
        this.json = json;
        this.subscription = hub.watch(this::deliver);
        writers.scheduleAtFixedRate(() -> open.forEach(EventStream::keepAlive), keepAlive.toMillis(), keepAlive.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    int max() {
        return max;
    }

    /** How many streams are open (or being opened) now. */
    int open() {
        return reserved.get();
    }

    /** Takes one of the {@code max} places, or says there is none left. */
    boolean reserve() {
        return reserved.getAndUpdate(n -> n < max ? n + 1 : n) < max;
    }

    /** Gives back a place {@link #reserve()} took, for a stream that did not open. */
    void unreserve() {
        reserved.decrementAndGet();
    }

    /** From now on the stream receives every change it wants; its place was reserved. */
    void add(EventStream stream) {
        open.add(stream);
    }

    /** The stream ended (once per stream): its place is free again. */
    void remove(EventStream stream) {
        if (open.remove(stream)) {
            reserved.decrementAndGet();
        }
    }

    ScheduledExecutorService writers() {
        return writers;
    }

    /** On the publisher's thread (the loop or an API call): quick, and never throws (the hub would drop us). */
    private void deliver(WatchHub.Change change) {
        try {
            if (change == WatchHub.END) {
                open.forEach(EventStream::end);
                return;
            }
            byte[] frame = null;
            for (EventStream stream : open) {
                if (stream.wants(change)) {
                    frame = frame != null ? frame : render(change); // once, however many streams want it
                    stream.offer(frame);
                }
            }
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warn("change of {} not sent to watchers: {}", change.resource(), e.toString());
        }
    }

    private byte[] render(WatchHub.Change change) throws JsonProcessingException {
        return ("event: " + change.kind() + "\ndata: " + json.writeValueAsString(change) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void stop() throws Exception {
        subscription.close();
        writers.shutdown();
    }
}
