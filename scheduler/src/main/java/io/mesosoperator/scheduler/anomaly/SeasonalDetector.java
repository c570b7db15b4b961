package io.mesosoperator.scheduler.anomaly;

import java.time.Instant;
import java.util.Optional;

/**
 * An {@link AnomalyDetector} that knows the series' day: once its {@link DailyProfile} has seen every time of day
 * on two days and the series shows a daily pattern (the shape spans more than the threshold's robust standard
 * deviations), each point is judged against what is usual at that time of day (the detector sees it less the
 * shape's offset then), so a nightly batch or a morning peak is not flagged every day, while the same height at
 * another hour is. Until then, and for a series with no daily pattern, it is the plain detector. The evidence
 * is in the series' own terms: the baseline of an anomaly is the usual value at that time of day.
 */
public final class SeasonalDetector {
    /** Quarter-hour slots, and a week of days kept. */
    static final int SLOTS = 96;
    static final int KEPT_DAYS = 7;

    private final DetectorSettings settings;
    private final AnomalyDetector detector;
    private DailyProfile day = new DailyProfile(SLOTS, KEPT_DAYS);
    private double lastOffset;

    public SeasonalDetector(DetectorSettings settings) {
        this.settings = settings;
        this.detector = new AnomalyDetector(settings);
    }

    /** What the daily shape has learnt, to keep beyond this process; null while nothing is. */
    public DailyProfile.Saved savedDay() {
        return day.empty() ? null : day.saved();
    }

    /**
     * Goes on from a daily shape learnt before (by an earlier leader), so a series' daily pattern is not
     * learnt afresh over two days; a shape learnt with other slots is ignored. Returns whether it was taken.
     */
    public boolean restoreDay(DailyProfile.Saved saved) {
        DailyProfile restored = DailyProfile.restore(saved);
        if (restored == null || saved.slots() != SLOTS || saved.keptDays() != KEPT_DAYS) {
            return false;
        }
        day = restored;
        return true;
    }

    /** Takes the next point and answers the deviation flagged after it, if any. */
    public Optional<Anomaly> observe(Instant at, double value) {
        if (!Double.isFinite(value)) {
            return current();
        }
        lastOffset = seasonal() ? day.offset(at) : 0;
        detector.observe(at, value - lastOffset);
        day.learn(at, value);
        return current();
    }

    /** The deviation flagged now, if any, with the usual value at its time of day as its baseline. */
    public Optional<Anomaly> current() {
        return detector.current().map(a -> new Anomaly(a.direction(), a.since(), a.baseline() + lastOffset,
                a.value() + lastOffset, a.score(), a.points()));
    }

    /** Whether the series shows a daily pattern that its points are judged against. */
    public boolean seasonal() {
        return day.learned() && day.range() > settings.threshold() * detector.scale();
    }

    public boolean warmedUp() {
        return detector.warmedUp();
    }

    /** The series' usual value now (its time of day's, when seasonal). */
    public double baseline() {
        return detector.baseline() + lastOffset;
    }
}
