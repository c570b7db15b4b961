package io.mesosoperator.scheduler.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.autoscale.HorizontalScaler.Decision;
import io.mesosoperator.scheduler.autoscale.HorizontalScaler.Reading;
import io.mesosoperator.scheduler.spec.AutoscaleSpec;
import io.mesosoperator.scheduler.spec.AutoscaleSpec.Policy;
import io.mesosoperator.scheduler.spec.AutoscaleSpec.Rules;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Kubernetes HPA's decisions, one table per concern; each row is a sequence of readings over time. */
class HorizontalScalerTest {
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
    private static final Rules NO_LIMITS_UP = new Rules(0, Rules.MAX, List.of());
    private static final Rules NO_LIMITS_DOWN = new Rules(0, Rules.MAX, List.of());

    /** One step: at second {@code at}, with {@code current} replicas, the metric reads {@code value} (null: missing). */
    record Step(int at, int current, Double value, Integer cap, int expected, String reason) {}

    static Step step(int at, int current, Double value, int expected, String reason) {
        return new Step(at, current, value, null, expected, reason);
    }

    static AutoscaleSpec spec(int min, int max, double target, Rules up, Rules down) {
        return new AutoscaleSpec(min, max, new AutoscaleSpec.Metric("series", "q", java.util.Map.of(), true, null, null, null),
                target, 0.1, 15, up, down);
    }

    static Stream<Arguments> table() {
        AutoscaleSpec plain = spec(1, 10, 100, NO_LIMITS_UP, NO_LIMITS_DOWN);
        AutoscaleSpec defaults = spec(1, 20, 100, AutoscaleSpec.DEFAULT_SCALE_UP, AutoscaleSpec.DEFAULT_SCALE_DOWN);
        AutoscaleSpec twoPodsPerMinute = spec(1, 20, 100, new Rules(0, Rules.MAX, List.of(new Policy(Policy.PODS, 2, 60))),
                NO_LIMITS_DOWN);
        AutoscaleSpec halfDownPerMinute = spec(1, 20, 100, NO_LIMITS_UP,
                new Rules(0, Rules.MAX, List.of(new Policy(Policy.PERCENT, 50, 60))));
        AutoscaleSpec minOfPolicies = spec(1, 50, 100, new Rules(0, Rules.MIN,
                List.of(new Policy(Policy.PODS, 3, 60), new Policy(Policy.PERCENT, 100, 60))), NO_LIMITS_DOWN);
        AutoscaleSpec upDisabled = spec(1, 20, 100, new Rules(0, Rules.DISABLED, List.of()), NO_LIMITS_DOWN);
        AutoscaleSpec downWindow = spec(1, 10, 100, NO_LIMITS_UP, new Rules(60, Rules.MAX, List.of()));
        AutoscaleSpec upWindow = spec(1, 10, 100, new Rules(30, Rules.MAX, List.of()), NO_LIMITS_DOWN);
        return Stream.of(
                Arguments.of("formula: ceil(current × value / target)", plain, List.of(
                        step(0, 2, 250.0, 5, "ScaleUp"),
                        step(1, 5, 50.0, 3, "ScaleDown"),
                        step(2, 3, 101.0, 3, "Steady"))),
                Arguments.of("tolerance 0.1: 109 and 91 change nothing, 111 does", plain, List.of(
                        step(0, 4, 109.0, 4, "Steady"),
                        step(1, 4, 91.0, 4, "Steady"),
                        step(2, 4, 111.0, 5, "ScaleUp"))),
                Arguments.of("clamps: maxReplicas, minReplicas, and a count outside them is brought back", plain, List.of(
                        step(0, 4, 1000.0, 10, "ScaleUp"),
                        step(1, 10, 1.0, 1, "ScaleDown"),
                        step(2, 12, 100.0, 10, "AboveMaxReplicas"),
                        step(3, 0, 100.0, 1, "BelowMinReplicas"))),
                Arguments.of("missing metric: no change, whatever came before", plain, List.of(
                        step(0, 3, null, 3, "MetricMissing"),
                        step(1, 3, 300.0, 9, "ScaleUp"),
                        step(2, 9, null, 9, "MetricMissing"))),
                Arguments.of("cap: a topic's partitions bound the consumers", plain, List.of(
                        new Step(0, 1, 800.0, 3, 3, "ScaleUp"))),
                Arguments.of("down window: the highest recommendation of the last 60 s holds", downWindow, List.of(
                        step(0, 4, 100.0, 4, "Steady"),
                        step(15, 4, 10.0, 4, "Stabilized"),
                        step(45, 4, 10.0, 4, "Stabilized"),
                        step(61, 4, 10.0, 1, "ScaleDown"))),
                Arguments.of("down window: a short dip does not scale down", downWindow, List.of(
                        step(0, 4, 100.0, 4, "Steady"),
                        step(20, 4, 10.0, 4, "Stabilized"),
                        step(40, 4, 100.0, 4, "Steady"))),
                Arguments.of("up window: the lowest recommendation of the last 30 s holds", upWindow, List.of(
                        step(0, 2, 100.0, 2, "Steady"),
                        step(10, 2, 400.0, 2, "Stabilized"),
                        step(31, 2, 400.0, 8, "ScaleUp"))),
                Arguments.of("defaults: up by max(4 pods, 100%) per 15 s, down after 300 s", defaults, List.of(
                        step(0, 1, 2000.0, 5, "ScaleUp"),
                        step(5, 5, 2000.0, 5, "Limited"),
                        step(16, 5, 2000.0, 10, "ScaleUp"),
                        step(32, 10, 2000.0, 20, "ScaleUp"),
                        step(40, 20, 10.0, 20, "Stabilized"),
                        step(333, 20, 10.0, 2, "ScaleDown"))),
                Arguments.of("pods policy: at most 2 more per 60 s, counted from the period's start", twoPodsPerMinute, List.of(
                        step(0, 2, 1000.0, 4, "ScaleUp"),
                        step(30, 4, 1000.0, 4, "Limited"),
                        step(61, 4, 1000.0, 6, "ScaleUp"))),
                Arguments.of("percent policy down: at most half per 60 s", halfDownPerMinute, List.of(
                        step(0, 10, 10.0, 5, "ScaleDown"),
                        step(30, 5, 10.0, 5, "Limited"),
                        step(61, 5, 10.0, 2, "ScaleDown"))),
                Arguments.of("selectPolicy Min: the smaller of 3 pods and 100%", minOfPolicies, List.of(
                        step(0, 2, 5000.0, 4, "ScaleUp"),
                        step(61, 4, 5000.0, 7, "ScaleUp"))),
                Arguments.of("selectPolicy Disabled: never up", upDisabled, List.of(
                        step(0, 2, 500.0, 2, "Limited"),
                        step(1, 2, 10.0, 1, "ScaleDown"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String name, AutoscaleSpec spec, List<Step> steps) {
        HorizontalScaler scaler = new HorizontalScaler();
        for (Step s : steps) {
            Reading reading = s.value() == null ? null : new Reading(s.value(), s.cap(), s.cap() == null ? null : "partitions");
            Decision d = scaler.decide(spec, s.current(), reading, T0.plusSeconds(s.at()));
            assertThat(d.desiredReplicas()).as("at %d s: %s", s.at(), d).isEqualTo(s.expected());
            assertThat(d.reason()).as("at %d s: %s", s.at(), d).isEqualTo(s.reason());
            if (d.scales()) {
                scaler.scaled(d, T0.plusSeconds(s.at())); // applied, as the autoscaler reports
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aScaleThatWasNotAppliedDoesNotCountAgainstTheRatePolicies() {
        // at most 1 pod up per 60 s: a first decision to scale that fails leaves the allowance whole
        AutoscaleSpec spec = spec(1, 10, 100, new Rules(0, Rules.MAX, List.of(new Policy("Pods", 1, 60))), NO_LIMITS_DOWN);
        HorizontalScaler scaler = new HorizontalScaler();
        assertThat(scaler.decide(spec, 2, new Reading(500), T0).desiredReplicas()).isEqualTo(3);
        // not applied (no scaled()): ten seconds later the same step is still allowed
        Decision retried = scaler.decide(spec, 2, new Reading(500), T0.plusSeconds(10));
        assertThat(retried.desiredReplicas()).isEqualTo(3);
        scaler.scaled(retried, T0.plusSeconds(10));
        // applied: within the period no further pod
        assertThat(scaler.decide(spec, 3, new Reading(500), T0.plusSeconds(20)).desiredReplicas()).isEqualTo(3);
    }

    @org.junit.jupiter.api.Test
    void theMessageShowsTheArithmetic() {
        Decision d = new HorizontalScaler().decide(spec(1, 4, 100, NO_LIMITS_UP, NO_LIMITS_DOWN), 2, new Reading(350), T0);
        assertThat(d.message()).isEqualTo("value 350 / target 100 = 3.50, ceil(2 × 3.50) = 7, limited to maxReplicas 4");
        assertThat(new HorizontalScaler().decide(spec(1, 4, 100, NO_LIMITS_UP, NO_LIMITS_DOWN), 2, null, T0).message())
                .isEqualTo("no value for the metric: no change");
    }
}
