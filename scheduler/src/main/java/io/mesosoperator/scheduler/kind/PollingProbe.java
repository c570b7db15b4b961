package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.spec.ResourceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The shared mechanism of the kinds' probes (Kafka's AdminClient, Cassandra's driver, Akka's
 * management API): the resources to watch, each with what its last reconciliation said to look at
 * and the latest snapshot; one daemon thread polls them all every interval, off the reconcile
 * loop; a resource no reconciliation touched for {@link #FORGET_AFTER} is forgotten (it was
 * deleted); and the operator is told when a snapshot changed, so it reconciles that resource.
 *
 * @param <W> what the kind keeps per resource (addresses to ask, open clients)
 * @param <S> the snapshot of what the software reported
 */
public abstract class PollingProbe<W extends PollingProbe.Watched<S>, S> implements AutoCloseable {
    private static final Duration FORGET_AFTER = Duration.ofMinutes(2);

    /** Per resource: when a reconciliation last asked for it, and the latest snapshot. */
    public abstract static class Watched<S> {
        volatile Instant touched = Instant.now();
        volatile S snapshot;
    }

    private final Logger log;
    private final ConcurrentMap<ResourceKey, W> watches = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller;
    private volatile Consumer<ResourceKey> onChange = k -> { };

    protected PollingProbe(String threadName, Duration interval, Logger log) {
        this.log = log;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::pollAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Where to tell that a resource's picture changed (the acting operator's queue). */
    public void bind(Consumer<ResourceKey> listener) {
        onChange = listener;
    }

    /** The resource's watch, created when new, marked as still wanted; the caller sets what to look at. */
    protected W watch(ResourceKey key) {
        W w = watches.computeIfAbsent(key, k -> newWatch());
        w.touched = Instant.now();
        return w;
    }

    /** The resource's watch, or null when it is not watched. */
    protected W watched(ResourceKey key) {
        return watches.get(key);
    }

    /** The latest snapshot of a resource, or null before the first poll. */
    public S snapshot(ResourceKey key) {
        W w = watches.get(key);
        return w == null ? null : w.snapshot;
    }

    /** Tells the operator now (e.g. a background action on the resource finished). */
    protected void changed(ResourceKey key) {
        onChange.accept(key);
    }

    protected abstract W newWatch();

    /** Asks the software (on the poller thread); null when there is nothing to ask yet. */
    protected abstract S poll(ResourceKey key, W watch);

    /** Whether two snapshots tell the operator the same thing (the time they were taken aside). */
    protected abstract boolean same(S a, S b);

    /** One line for the log when a snapshot changed. */
    protected abstract String describe(S snapshot);

    /** Releases what the watch holds (clients, sessions); called when it is forgotten or the probe closes. */
    protected void release(W watch) {
    }

    private void pollAll() {
        for (Map.Entry<ResourceKey, W> e : watches.entrySet()) {
            W w = e.getValue();
            try {
                if (Duration.between(w.touched, Instant.now()).compareTo(FORGET_AFTER) > 0) {
                    watches.remove(e.getKey());
                    release(w);
                    continue;
                }
                S next = poll(e.getKey(), w);
                if (next == null) {
                    continue;
                }
                S before = w.snapshot;
                w.snapshot = next;
                if (before == null || !same(next, before)) {
                    log.info("{}: {}", e.getKey(), describe(next));
                    onChange.accept(e.getKey());
                }
            } catch (RuntimeException ex) {
                log.warn("{}: probing failed", e.getKey(), ex); // never kill the poller thread
            }
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        watches.values().forEach(this::release);
    }
}
