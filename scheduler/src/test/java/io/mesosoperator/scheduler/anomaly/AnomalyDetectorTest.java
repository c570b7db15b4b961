package io.mesosoperator.scheduler.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Synthetic series replayed point by point, with fixed seeds, against the default settings. */
class AnomalyDetectorTest {
    private static final Instant T0 = Instant.parse("2026-12-06T07:00:00Z");
    private static final Duration STEP = Duration.ofSeconds(15);
    private static final DetectorSettings SETTINGS = DetectorSettings.DEFAULTS;

    /** What the detector said after each point. */
    private static List<Optional<Anomaly>> replay(AnomalyDetector detector, int points, IntToDoubleFunction series) {
        List<Optional<Anomaly>> verdicts = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            verdicts.add(detector.observe(at(i), series.applyAsDouble(i)));
        }
        return verdicts;
    }

    private static Instant at(int point) {
        return T0.plus(STEP.multipliedBy(point));
    }

    private static DoubleSupplier gaussian(Random random, double sd) {
        return () -> random.nextGaussian() * sd;
    }

    /** Student's t with 3 degrees of freedom: heavy tails, finite variance. */
    private static DoubleSupplier studentT3(Random random, double scale) {
        return () -> {
            double chi2 = 0;
            for (int k = 0; k < 3; k++) {
                double g = random.nextGaussian();
                chi2 += g * g;
            }
            return scale * random.nextGaussian() / Math.sqrt(chi2 / 3);
        };
    }

    /** A steady level with noise, and every 97th point a single spike of 30 times the noise. */
    private static IntToDoubleFunction steadyWithSpikes(double level, DoubleSupplier noise, double noiseScale) {
        return i -> level + noise.getAsDouble() + (i % 97 == 50 ? 30 * noiseScale : 0);
    }

    private static int firstFlag(List<Optional<Anomaly>> verdicts) {
        for (int i = 0; i < verdicts.size(); i++) {
            if (verdicts.get(i).isPresent()) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aLongSteadySeriesWithGaussianNoiseAndSingleSpikesIsNeverFlagged() {
        Random random = new Random(20261206);
        List<Optional<Anomaly>> verdicts = replay(new AnomalyDetector(SETTINGS), 20_000,
                steadyWithSpikes(500, gaussian(random, 20), 20));
        assertThat(firstFlag(verdicts)).isEqualTo(-1);
    }

    @Test
    void aLongSteadySeriesWithHeavyTailedNoiseAndSingleSpikesIsNeverFlagged() {
        Random random = new Random(20261207);
        List<Optional<Anomaly>> verdicts = replay(new AnomalyDetector(SETTINGS), 20_000,
                steadyWithSpikes(40, studentT3(random, 5), 5));
        assertThat(firstFlag(verdicts)).isEqualTo(-1);
    }

    @Test
    void nothingIsFlaggedDuringTheWarmUpEvenFarFromTheFirstPoints() {
        AnomalyDetector detector = new AnomalyDetector(SETTINGS);
        List<Optional<Anomaly>> verdicts = replay(detector, SETTINGS.warmUp(), i -> i < 10 ? 1 : 1_000_000);
        assertThat(firstFlag(verdicts)).isEqualTo(-1);
        assertThat(detector.warmedUp()).isTrue();
    }

    @Test
    void aStepIsFlaggedWithinSustainPointsWithItsEvidence() {
        Random random = new Random(1);
        DoubleSupplier noise = gaussian(random, 20);
        int stepAt = 300;
        List<Optional<Anomaly>> verdicts = replay(new AnomalyDetector(SETTINGS), 400,
                i -> (i < stepAt ? 40 : 25_000) + noise.getAsDouble());

        int flagged = firstFlag(verdicts);
        assertThat(flagged).isEqualTo(stepAt + SETTINGS.sustain() - 1);
        Anomaly anomaly = verdicts.get(flagged).orElseThrow();
        assertThat(anomaly.direction()).isEqualTo(Anomaly.Direction.ABOVE);
        assertThat(anomaly.since()).isEqualTo(at(stepAt)); // the first point of the deviation, not the flagging one
        assertThat(anomaly.baseline()).isCloseTo(40, org.assertj.core.data.Offset.offset(10.0));
        assertThat(anomaly.value()).isCloseTo(25_000, org.assertj.core.data.Offset.offset(100.0));
        assertThat(anomaly.points()).isEqualTo(SETTINGS.sustain());

        // it stays flagged, dated from its start, against the baseline from before it
        Anomaly later = verdicts.get(399).orElseThrow();
        assertThat(later.since()).isEqualTo(at(stepAt));
        assertThat(later.baseline()).isEqualTo(anomaly.baseline());
        assertThat(later.points()).isEqualTo(100);
    }

    @Test
    void aStepDownIsFlaggedBelow() {
        Random random = new Random(2);
        DoubleSupplier noise = gaussian(random, 2);
        List<Optional<Anomaly>> verdicts = replay(new AnomalyDetector(SETTINGS), 200,
                i -> (i < 100 ? 100 : 50) + noise.getAsDouble());
        assertThat(firstFlag(verdicts)).isEqualTo(100 + SETTINGS.sustain() - 1);
        assertThat(verdicts.get(199).orElseThrow().direction()).isEqualTo(Anomaly.Direction.BELOW);
    }

    @Test
    void aRampIsFlaggedWithinABoundedNumberOfPoints() {
        Random random = new Random(3);
        DoubleSupplier noise = gaussian(random, 10);
        int rampAt = 200;
        // one noise standard deviation per point: beyond the threshold after about 4-8 points, then sustained
        List<Optional<Anomaly>> verdicts = replay(new AnomalyDetector(SETTINGS), 400,
                i -> 1000 + (i < rampAt ? 0 : 10.0 * (i - rampAt)) + noise.getAsDouble());

        int flagged = firstFlag(verdicts);
        assertThat(flagged).isBetween(rampAt + SETTINGS.sustain(), rampAt + 20);
        Anomaly anomaly = verdicts.get(flagged).orElseThrow();
        assertThat(anomaly.since()).isAfter(at(rampAt));
        assertThat(anomaly.baseline()).isCloseTo(1000, org.assertj.core.data.Offset.offset(15.0));
    }

    @Test
    void theFlagClearsAfterRecoveryAndTheBaselineIsTheOldOne() {
        Random random = new Random(4);
        DoubleSupplier noise = gaussian(random, 5);
        AnomalyDetector detector = new AnomalyDetector(SETTINGS);
        List<Optional<Anomaly>> verdicts = replay(detector, 500,
                i -> (i >= 200 && i < 260 ? 400 : 100) + noise.getAsDouble());

        assertThat(verdicts.get(259)).isPresent();
        int cleared = -1;
        for (int i = 260; i < verdicts.size(); i++) {
            if (verdicts.get(i).isEmpty()) {
                cleared = i;
                break;
            }
        }
        assertThat(cleared).isEqualTo(260 + SETTINGS.recover() - 1);
        assertThat(verdicts.subList(cleared, verdicts.size())).allMatch(Optional::isEmpty);
        assertThat(detector.baseline()).isCloseTo(100, org.assertj.core.data.Offset.offset(3.0));
    }

    @Test
    void aDeviationThatLastsLongEnoughBecomesTheNewNormal() {
        Random random = new Random(5);
        DoubleSupplier noise = gaussian(random, 5);
        DetectorSettings settings = new DetectorSettings(0.05, 30, 4, 5, 3, 3, 0.01, 1e-9, 50);
        AnomalyDetector detector = new AnomalyDetector(settings);
        List<Optional<Anomaly>> verdicts = replay(detector, 400, i -> (i < 100 ? 100 : 300) + noise.getAsDouble());

        assertThat(verdicts.get(120)).isPresent();
        assertThat(verdicts.subList(160, 400)).allMatch(Optional::isEmpty);
        assertThat(detector.baseline()).isCloseTo(300, org.assertj.core.data.Offset.offset(3.0));
    }

    @Test
    void aConstantSeriesFlagsOnlyChangesBeyondItsRelativeFloor() {
        AnomalyDetector detector = new AnomalyDetector(SETTINGS);
        // a half-percent wobble of a constant series is no deviation; doubling is
        assertThat(firstFlag(replay(detector, 200, i -> i < 100 ? 1000 : 1005))).isEqualTo(-1);
        assertThat(firstFlag(replay(detector, 10, i -> 2000))).isEqualTo(SETTINGS.sustain() - 1);
    }

    @Test
    void missingSamplesAreSkipped() {
        AnomalyDetector detector = new AnomalyDetector(SETTINGS);
        replay(detector, 100, i -> 10);
        assertThat(detector.observe(at(100), Double.NaN)).isEmpty();
        assertThat(detector.baseline()).isEqualTo(10);
    }

    @Test
    void settingsNameTheFieldThatIsWrong() {
        assertThatThrownBy(() -> new DetectorSettings(0.05, 30, 4, 1, 3, 3, 0.01, 1e-9, 360))
                .hasMessageContaining("sustain must be at least 2");
        assertThatThrownBy(() -> new DetectorSettings(0, 30, 4, 5, 3, 3, 0.01, 1e-9, 360))
                .hasMessageContaining("alpha must be in (0, 1]");
    }
}
