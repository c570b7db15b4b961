package io.mesosoperator.scheduler.monitor;

import io.mesosoperator.scheduler.anomaly.Anomaly;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One series of a resource deviating now, with its evidence and the changes that may explain it.
 *
 * @param resource   the resource the series is about (from its labels)
 * @param series     the exported name
 * @param labels     the series' labels
 * @param rate       whether the values are the counter's rate per second
 * @param anomaly    the deviation: direction, since when, baseline, latest value, score
 * @param correlated the changes in its window, most likely cause first
 */
public record Finding(ResourceKey resource, String series, Map<String, String> labels, boolean rate, Anomaly anomaly,
                      List<CorrelatedChange> correlated) {

    /** The series as PromQL would name it: name{label="value",...}, with rate(...) for a counter. */
    public String selector() {
        return selector(series, labels, rate);
    }

    static String selector(String series, Map<String, String> labels, boolean rate) {
        String selector = series + labels.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
        return rate ? "rate(" + selector + ")" : selector;
    }

    /** The evidence in one line, stable while the deviation lasts (no latest value): for the condition. */
    public String headline() {
        return selector() + " " + anomaly.direction().name().toLowerCase(Locale.ROOT) + " baseline " + number(anomaly.baseline())
                + " since " + anomaly.since();
    }

    /** The evidence with the latest value and the most likely causes: for the event and diagnose. */
    public String evidence() {
        StringBuilder text = new StringBuilder(headline()).append(" (now ").append(number(anomaly.value())).append(", ")
                .append(String.format(Locale.ROOT, "%.1f", Math.abs(anomaly.score()))).append(" robust sd, ")
                .append(anomaly.points()).append(" points)");
        if (correlated.isEmpty()) {
            text.append("; no correlated change found");
        } else {
            text.append("; correlated: ").append(correlated.stream().limit(3).map(CorrelatedChange::describe)
                    .collect(Collectors.joining("; ")));
        }
        return text.toString();
    }

    static String number(double value) {
        if ((value == Math.rint(value) || Math.abs(value) >= 1000) && Math.abs(value) < 1e15) {
            return Long.toString(Math.round(value)); // counts and bytes: whole numbers
        }
        return String.format(Locale.ROOT, "%.4g", value);
    }
}
