package io.mesosoperator.scheduler.anomaly;

import java.time.Instant;

/**
 * A sustained deviation of one series from its baseline: the evidence an event or a condition shows.
 *
 * @param direction which side of the baseline the series went
 * @param since     the time of the first point of the deviation (not of the point that flagged it)
 * @param baseline  the series' normal value, as learnt before the deviation began
 * @param value     the latest value
 * @param score     the latest value's distance from the baseline, in robust standard deviations
 * @param points    how many points the deviation has lasted
 */
public record Anomaly(Direction direction, Instant since, double baseline, double value, double score, int points) {
    public enum Direction { ABOVE, BELOW }
}
