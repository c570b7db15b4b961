package io.mesosoperator.executor;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Mesos' stout duration strings: "5secs", "15mins", "250ms", "1.5hrs". */
final class StoutDuration {
    private static final Pattern FORMAT = Pattern.compile("([0-9]*\\.?[0-9]+)\\s*(ns|us|ms|secs|mins|hrs|days|weeks)");

    private StoutDuration() {}

    static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Mesos duration: '" + text + "' (e.g. 5secs, 15mins)");
        }
        double value = Double.parseDouble(m.group(1));
        double nanosPerUnit = switch (m.group(2)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "secs" -> 1e9;
            case "mins" -> 60e9;
            case "hrs" -> 3600e9;
            case "days" -> 86400e9;
            default -> 7 * 86400e9;
        };
        return Duration.ofNanos((long) (value * nanosPerUnit));
    }

}
