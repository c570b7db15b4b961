package io.mesosoperator.scheduler.metrics;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rounds of work on a daemon thread of their own, each after the previous one ended and a fixed delay, from
 * {@link #start()} to {@link #close()}: the shape of everything that runs beside the reconciler on a clock (task
 * usage, workload metrics, the metrics history, the anomaly monitor, the autoscaler). A round that throws is
 * logged and the next one runs, so one bad answer never stops the collector.
 */
public final class Rounds implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rounds.class);

    private final String name;
    private final Duration first;
    private final Duration every;
    private final Runnable round;
    private ScheduledExecutorService thread;

    /**
     * @param name  the thread's name, also in the log line of a failed round
     * @param first the delay before the first round
     * @param every the delay between the end of a round and the start of the next
     */
    public Rounds(String name, Duration first, Duration every, Runnable round) {
        this.name = name;
        this.first = first;
        this.every = every;
        this.round = round;
    }

    public synchronized void start() {
        if (thread == null) {
            thread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            thread.scheduleWithFixedDelay(this::runQuietly, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }

    private void runQuietly() {
        try {
            round.run();
        } catch (RuntimeException e) {
            LOG.warn("{}: a round failed (the next one tries again): {}", name, e.toString());
        }
    }
}
