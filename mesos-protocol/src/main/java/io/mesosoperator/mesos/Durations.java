package io.mesosoperator.mesos;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written as Mesos' stout writes them ("5secs", "15mins", "250ms", "1.5hrs",
 * "2weeks"; the agent's environment for its executors) or in the short form of Go and Kubernetes
 * ("30s", "5m", "1h30m", "1d"; a job's {@code @every} schedule): one part or several written
 * together, each a number and a unit, added up. A number may have decimals and a space before its
 * unit; units are case-insensitive.
 */
public final class Durations {
    /** Longer unit names first, so that "5ms" is not read as 5 minutes and an "s". */
    private static final Pattern PART =
            Pattern.compile("([0-9]*\\.?[0-9]+)\\s*(weeks|days|hrs|mins|secs|ns|us|ms|d|h|m|s)");
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final Map<String, Long> NANOS_PER_UNIT = Map.ofEntries(
            Map.entry("ns", 1L),
            Map.entry("us", 1_000L),
            Map.entry("ms", 1_000_000L),
            Map.entry("s", NANOS_PER_SECOND),
            Map.entry("secs", NANOS_PER_SECOND),
            Map.entry("m", 60 * NANOS_PER_SECOND),
            Map.entry("mins", 60 * NANOS_PER_SECOND),
            Map.entry("h", 3_600 * NANOS_PER_SECOND),
            Map.entry("hrs", 3_600 * NANOS_PER_SECOND),
            Map.entry("d", 86_400 * NANOS_PER_SECOND),
            Map.entry("days", 86_400 * NANOS_PER_SECOND),
            Map.entry("weeks", 7 * 86_400 * NANOS_PER_SECOND));

    private Durations() {}

    /** @throws IllegalArgumentException saying what a duration looks like, when {@code text} is not one */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw notADuration(text);
        }
        Matcher part = PART.matcher(t);
        BigDecimal nanos = BigDecimal.ZERO;
        for (int end = 0; end < t.length(); end = part.end()) {
            if (!part.region(end, t.length()).lookingAt()) {
                throw notADuration(text);
            }
            nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(part.group(2)))));
        }
        BigInteger[] secondsAndNanos = nanos.setScale(0, RoundingMode.DOWN).toBigInteger()
                .divideAndRemainder(BigInteger.valueOf(NANOS_PER_SECOND));
        try {
            return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValue());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration like 30s, 5m, 1h30m, 250ms or 5secs");
    }
}
