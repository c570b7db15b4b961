package io.mesosoperator.mesos;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff: the n-th consecutive failure waits min(max, initial * factor^(n-1)). A
 * success that lasts {@code resetAfter} starts over: an instance must stay ready that long, while
 * a re-subscription loop starts over on any success ({@link Duration#ZERO}, see {@link Retries}).
 * The operator's restarts of crashing instances and job attempts use it, and so do the scheduler's
 * and the executor's re-subscriptions.
 */
public record Backoff(Duration initial, double factor, Duration max, Duration resetAfter) {
    /** Restarts of crashing instances: 1 s, x2, capped at 60 s, reset after 60 s ready. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60), Duration.ofSeconds(60));

    /** Re-connecting: from {@code initial}, doubling up to {@code max}; any success starts over. */
    public static Backoff doubling(Duration initial, Duration max) {
        return new Backoff(initial, 2.0, max, Duration.ZERO);
    }

    public Duration delayAfter(int consecutiveFailures) {
        if (consecutiveFailures <= 0) {
            return Duration.ZERO;
        }
        double millis = initial.toMillis() * Math.pow(factor, consecutiveFailures - 1);
        return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
    }

    /** The failures in a row of one retry loop, starting with none. */
    public Retries retries() {
        return new Retries(this);
    }

    /**
     * The delay spread uniformly over [delay/2, 3*delay/2), so that the many clients that lost the
     * same master do not all come back in the same instant.
     */
    public static Duration jittered(Duration delay) {
        return jittered(delay, ThreadLocalRandom.current().nextDouble());
    }

    static Duration jittered(Duration delay, double random) {
        return Duration.ofMillis((long) (delay.toMillis() * (0.5 + random)));
    }

    /** One retry loop's count of failures in a row; for the one thread that retries (not thread-safe). */
    public static final class Retries {
        private final Backoff backoff;
        private int failures;

        private Retries(Backoff backoff) {
            this.backoff = backoff;
        }

        /** Counts one more failure and returns how long to wait before the next attempt. */
        public Duration nextDelay() {
            if (failures < Integer.MAX_VALUE) {
                failures++;
            }
            return backoff.delayAfter(failures);
        }

        /** A success (or a reason to try again at once): the next failure waits {@code initial} again. */
        public void reset() {
            failures = 0;
        }
    }
}
