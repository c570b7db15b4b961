package io.mesosoperator.mesos;

import java.time.Duration;

/**
 * Restart backoff for crashing instances: the n-th consecutive failure waits
 * min(max, initial * factor^(n-1)); an instance that stays ready for {@code resetAfter} starts
 * over. Defaults: 1 s, x2, capped at 60 s, reset after 60 s ready.
 */
public record Backoff(Duration initial, double factor, Duration max, Duration resetAfter) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60), Duration.ofSeconds(60));

    public Duration delayAfter(int consecutiveFailures) {
        if (consecutiveFailures <= 0) {
            return Duration.ZERO;
        }
        double millis = initial.toMillis() * Math.pow(factor, consecutiveFailures - 1);
        return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
    }
}
