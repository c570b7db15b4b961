package io.mesosoperator.scheduler.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Daily patterns, replayed as synthetic series of one point a minute over several days: what recurs at the same
 * time every day stops being flagged once two days are learnt; the same deviation at another hour still is; a
 * series without a pattern is judged as the plain detector judges it.
 */
class SeasonalDetectorTest {
    private static final Instant MIDNIGHT = Instant.parse("2026-12-01T00:00:00Z");
    private static final int PER_DAY = 1440; // a point a minute
    private static final DetectorSettings SETTINGS = DetectorSettings.DEFAULTS;

    private static Instant at(int point) {
        return MIDNIGHT.plus(Duration.ofMinutes(point));
    }

    private static boolean within(int point, int fromMinute, int toMinute) {
        int minute = point % PER_DAY;
        return minute >= fromMinute && minute < toMinute;
    }

    /** Consumer-lag-like: about 100, but 2,000 from 02:00 to 02:30 every night (a nightly batch), with noise. */
    private static IntToDoubleFunction nightlyBatch(Random random) {
        return p -> (within(p, 120, 150) ? 2000 : 100) + random.nextGaussian() * 5;
    }

    /** The points of day {@code day} (0-based) between the two minutes that were flagged. */
    private static int flaggedIn(Object detector, IntToDoubleFunction series, int days, int day, int fromMinute, int toMinute) {
        int flagged = 0;
        for (int p = 0; p < days * PER_DAY; p++) {
            double v = series.applyAsDouble(p);
            Optional<Anomaly> verdict = detector instanceof SeasonalDetector s ? s.observe(at(p), v)
                    : ((AnomalyDetector) detector).observe(at(p), v);
            if (p / PER_DAY == day && within(p, fromMinute, toMinute) && verdict.isPresent()) {
                flagged++;
            }
        }
        return flagged;
    }

    @Test
    void aNightlyBatchIsFlaggedByThePlainDetectorEveryNightButNotOnceTwoDaysAreLearnt() {
        assertThat(flaggedIn(new AnomalyDetector(SETTINGS), nightlyBatch(new Random(1)), 4, 3, 120, 150))
                .as("the plain detector on the fourth night").isPositive();
        assertThat(flaggedIn(new SeasonalDetector(SETTINGS), nightlyBatch(new Random(1)), 4, 3, 120, 150))
                .as("the seasonal detector on the fourth night").isZero();
    }

    @Test
    void theSameHeightAtAnotherHourIsStillFlaggedWithinTheSustainedPointsAndItsBaselineIsThatHoursUsual() {
        Random random = new Random(2);
        IntToDoubleFunction nightly = nightlyBatch(random);
        // on the fourth day the batch also runs at 14:00
        IntToDoubleFunction series = p -> p / PER_DAY == 3 && within(p, 840, 870) ? 2000 + random.nextGaussian() * 5
                : nightly.applyAsDouble(p);
        SeasonalDetector detector = new SeasonalDetector(SETTINGS);
        Integer firstFlag = null;
        Anomaly evidence = null;
        for (int p = 0; p < 4 * PER_DAY; p++) {
            Optional<Anomaly> verdict = detector.observe(at(p), series.applyAsDouble(p));
            if (p / PER_DAY == 3 && within(p, 840, 870) && verdict.isPresent() && firstFlag == null) {
                firstFlag = p % PER_DAY - 840;
                evidence = verdict.get();
            }
        }
        assertThat(detector.seasonal()).as("a daily pattern was found").isTrue();
        assertThat(firstFlag).as("points into the 14:00 burst before it is flagged").isNotNull()
                .isLessThanOrEqualTo(SETTINGS.sustain());
        assertThat(evidence.direction()).isEqualTo(Anomaly.Direction.ABOVE);
        assertThat(evidence.since()).isEqualTo(at(3 * PER_DAY + 840));
        assertThat(evidence.baseline()).as("what is usual at 14:00").isBetween(80.0, 120.0);
        assertThat(evidence.value()).as("the series' own value").isBetween(1950.0, 2050.0);
    }

    @Test
    void aSeriesWithoutADailyPatternIsJudgedAsThePlainDetectorJudgesIt() {
        SeasonalDetector seasonal = new SeasonalDetector(SETTINGS);
        AnomalyDetector plain = new AnomalyDetector(SETTINGS);
        Random a = new Random(3);
        Random b = new Random(3);
        for (int p = 0; p < 4 * PER_DAY; p++) {
            Optional<Anomaly> s = seasonal.observe(at(p), 500 + a.nextGaussian() * 20);
            Optional<Anomaly> q = plain.observe(at(p), 500 + b.nextGaussian() * 20);
            assertThat(s.isPresent()).as("point %d", p).isEqualTo(q.isPresent());
        }
        assertThat(seasonal.seasonal()).isFalse();
    }

    @Test
    void aDailyShapeKeptByOneDetectorIsTheNextOnesSoANewLeaderNeedNotLearnItForTwoDays() {
        Random random = new Random(4);
        IntToDoubleFunction series = nightlyBatch(random);
        SeasonalDetector first = new SeasonalDetector(SETTINGS);
        for (int p = 0; p < 3 * PER_DAY; p++) {
            first.observe(at(p), series.applyAsDouble(p));
        }
        assertThat(first.seasonal()).isTrue();

        // the next leader: a fresh detector, from the kept shape, on the fourth night
        SeasonalDetector next = new SeasonalDetector(SETTINGS);
        assertThat(next.restoreDay(first.savedDay())).isTrue();
        int flagged = 0;
        for (int p = 3 * PER_DAY; p < 4 * PER_DAY; p++) {
            if (next.observe(at(p), series.applyAsDouble(p)).isPresent() && within(p, 120, 150)) {
                flagged++;
            }
        }
        assertThat(next.seasonal()).isTrue();
        assertThat(flagged).as("points of the fourth nightly batch flagged after a change of leader").isZero();

        // a fresh detector without the kept shape flags it
        SeasonalDetector afresh = new SeasonalDetector(SETTINGS);
        int flaggedAfresh = 0;
        for (int p = 3 * PER_DAY; p < 4 * PER_DAY; p++) {
            if (afresh.observe(at(p), series.applyAsDouble(p)).isPresent() && within(p, 120, 150)) {
                flaggedAfresh++;
            }
        }
        assertThat(flaggedAfresh).as("the same night, learnt afresh").isPositive();
    }

    @Test
    void aShapeLearntWithOtherSlotsOrNothingIsNotTaken() {
        assertThat(new SeasonalDetector(SETTINGS).savedDay()).as("nothing learnt, nothing to keep").isNull();
        DailyProfile other = new DailyProfile(24, 7);
        other.learn(at(0), 1);
        other.learn(at(60), 1);
        assertThat(new SeasonalDetector(SETTINGS).restoreDay(other.saved())).isFalse();
        assertThat(new SeasonalDetector(SETTINGS).restoreDay(new DailyProfile.Saved(96, 7, new float[3], new byte[96],
                new byte[96]))).as("a corrupt shape").isFalse();
    }
}
