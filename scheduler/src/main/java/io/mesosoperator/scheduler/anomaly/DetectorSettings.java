package io.mesosoperator.scheduler.anomaly;

/**
 * How an {@link AnomalyDetector} judges one series. The defaults suit a metric sampled every 15 s:
 * the baseline follows about the last 40 points (10 minutes), warms up for 30 points (7.5 minutes),
 * and a deviation counts once 5 points in a row (75 s) lie over 4 robust standard deviations on the
 * same side.
 *
 * @param alpha            the weight of a new point in the exponentially weighted baseline (0..1];
 *                         about 2/alpha - 1 points make up the baseline (default 0.05)
 * @param warmUp           points seen before anything may be flagged (default 30)
 * @param threshold        how many robust standard deviations away a point must lie to count (default 4)
 * @param sustain          how many points in a row must lie beyond the threshold, on the same side,
 *                         before the deviation is flagged; single spikes never are (default 5)
 * @param recover          how many points in a row back within the threshold clear a flag (default 3)
 * @param clip             points further than this many robust standard deviations move the baseline as
 *                         if they were at that distance, so that a spike barely moves it (default 3)
 * @param relativeFloor    the scale is at least this fraction of the baseline's magnitude, so that an
 *                         almost constant series does not flag tiny changes (default 0.01)
 * @param absoluteFloor    and at least this, for a series at zero (default 1e-9)
 * @param rebaselineAfter  a deviation that lasts this many points is taken as the new normal: the
 *                         flag clears and the baseline is learnt afresh (default 360, 90 minutes at 15 s)
 */
public record DetectorSettings(double alpha, int warmUp, double threshold, int sustain, int recover, double clip,
                               double relativeFloor, double absoluteFloor, int rebaselineAfter) {
    public static final DetectorSettings DEFAULTS = new DetectorSettings(0.05, 30, 4.0, 5, 3, 3.0, 0.01, 1e-9, 360);

    public DetectorSettings {
        require(alpha > 0 && alpha <= 1, "alpha must be in (0, 1], got " + alpha);
        require(warmUp >= 2, "warmUp must be at least 2 points, got " + warmUp);
        require(threshold > 0, "threshold must be positive, got " + threshold);
        require(sustain >= 2, "sustain must be at least 2 points (one point is a spike), got " + sustain);
        require(recover >= 1, "recover must be at least 1 point, got " + recover);
        require(clip > 0, "clip must be positive, got " + clip);
        require(relativeFloor >= 0, "relativeFloor must not be negative, got " + relativeFloor);
        require(absoluteFloor > 0, "absoluteFloor must be positive, got " + absoluteFloor);
        require(rebaselineAfter > sustain, "rebaselineAfter must be more than sustain (" + sustain + "), got "
                + rebaselineAfter);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
