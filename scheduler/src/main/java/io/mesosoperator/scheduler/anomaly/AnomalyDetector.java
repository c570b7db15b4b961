package io.mesosoperator.scheduler.anomaly;

import java.time.Instant;
import java.util.Optional;

/**
 * An online baseline of one series and the sustained deviations from it. Pure: points come in with
 * their time, nothing is read or written anywhere; one instance per series, not thread-safe.
 *
 * <p>The baseline is robust: an exponentially weighted mean of the points, each clipped to
 * {@link DetectorSettings#clip()} robust standard deviations first, and as scale an exponentially
 * weighted mean absolute deviation of the points within that distance (times sqrt(pi/2), which
 * makes it the standard deviation for Gaussian noise). Clipping is what keeps a spike from dragging
 * the baseline or inflating the scale, as a median absolute deviation would. Points beyond the threshold do not
 * move the baseline at all, so a step or a ramp stays measured against what was normal before it.
 *
 * <p>Nothing is flagged during the warm-up. After it, a point's robust z-score is its distance from
 * the baseline over the scale; {@link DetectorSettings#sustain()} points in a row beyond the
 * threshold on the same side flag an {@link Anomaly} dated from the first of them, and
 * {@link DetectorSettings#recover()} points in a row within it clear the flag. A daily pattern is
 * {@link SeasonalDetector}'s, which feeds this one.
 */
public final class AnomalyDetector {
    /** sqrt(pi/2): the mean absolute deviation of a Gaussian times this is its standard deviation. */
    private static final double MEAN_ABS_TO_SIGMA = Math.sqrt(Math.PI / 2);

    private final DetectorSettings settings;
    private long seen;
    private double mean;
    private double meanAbsDeviation;
    /** The run of points beyond the threshold on one side: its side (+1/-1, 0 for none), start and length. */
    private int runSide;
    private Instant runStart;
    private int runLength;
    /** Points in a row back within the threshold while flagged. */
    private int calm;
    private Anomaly current;

    public AnomalyDetector(DetectorSettings settings) {
        this.settings = settings;
    }

    /** Takes the next point and answers the deviation flagged after it, if any. */
    public Optional<Anomaly> observe(Instant at, double value) {
        if (!Double.isFinite(value)) {
            return current(); // a missing or broken sample says nothing about the series
        }
        if (seen < settings.warmUp()) {
            learn(value);
            return Optional.empty();
        }
        double z = (value - mean) / scale();
        int side = Math.abs(z) > settings.threshold() ? (z > 0 ? 1 : -1) : 0;
        if (side == 0) {
            learn(value);
            runSide = 0;
            runLength = 0;
            if (current != null && ++calm >= settings.recover()) {
                current = null;
            }
        } else {
            calm = 0;
            if (side != runSide) {
                runSide = side;
                runStart = at;
                runLength = 0;
            }
            runLength++;
        }
        Anomaly.Direction direction = side > 0 ? Anomaly.Direction.ABOVE : Anomaly.Direction.BELOW;
        if (current != null && (side == 0 || current.direction() == direction)) {
            // still the same deviation (or recovering from it): its start and baseline stay
            current = new Anomaly(current.direction(), current.since(), current.baseline(), value, z, current.points() + 1);
        } else if (side != 0 && runLength >= settings.sustain()) {
            current = new Anomaly(direction, runStart, mean, value, z, runLength);
        }
        if (current != null && current.points() >= settings.rebaselineAfter()) {
            relearnFrom(value); // it lasted long enough to be the new normal
        }
        return current();
    }

    /** The deviation flagged now, if any. */
    public Optional<Anomaly> current() {
        return Optional.ofNullable(current);
    }

    /** Whether the warm-up is over (flags are possible). */
    public boolean warmedUp() {
        return seen >= settings.warmUp();
    }

    /** The baseline's value now. */
    public double baseline() {
        return mean;
    }

    /** The robust standard deviation now, never below the floors. */
    public double scale() {
        double floor = Math.max(settings.absoluteFloor(), settings.relativeFloor() * Math.abs(mean));
        return Math.max(meanAbsDeviation * MEAN_ABS_TO_SIGMA, floor);
    }

    /**
     * One more normal point. The first points are averaged plainly (weight 1/n) until 1/n falls to
     * alpha, so that the baseline does not start out as the first value alone; from the fifth point
     * on they are clipped, once there is a scale to clip by.
     */
    private void learn(double value) {
        seen++;
        if (seen == 1) {
            mean = value;
            return;
        }
        double weight = Math.max(settings.alpha(), 1.0 / seen);
        double limit = settings.clip() * scale();
        double deviation = value - mean;
        boolean clipping = seen > 4;
        double clipped = clipping ? Math.max(-limit, Math.min(limit, deviation)) : deviation;
        mean += weight * clipped;
        if (!clipping || Math.abs(deviation) <= limit) {
            // a point beyond the clip says nothing of the noise: counted, it would let the scale grow with a
            // drift until the drift could never stand out
            meanAbsDeviation += weight * (Math.abs(deviation) - meanAbsDeviation);
        }
    }

    private void relearnFrom(double value) {
        seen = 0;
        meanAbsDeviation = 0;
        runSide = 0;
        runLength = 0;
        calm = 0;
        current = null;
        learn(value);
    }
}
