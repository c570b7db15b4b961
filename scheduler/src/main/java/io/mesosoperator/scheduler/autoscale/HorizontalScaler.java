package io.mesosoperator.scheduler.autoscale;

import io.mesosoperator.scheduler.spec.AutoscaleSpec;
import io.mesosoperator.scheduler.spec.AutoscaleSpec.Policy;
import io.mesosoperator.scheduler.spec.AutoscaleSpec.Rules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The decisions of one resource's autoscaler, as Kubernetes' HorizontalPodAutoscaler makes them
 * (pkg/controller/podautoscaler/horizontal.go), without I/O or a clock of its own:
 * <ol>
 * <li>desired = ceil(current × value / target), or current while |value / target − 1| ≤ tolerance;
 *     capped by the reading's own limit (a topic's partitions);</li>
 * <li>stabilization: up to the lowest recommendation of the scale-up window, down to the highest of
 *     the scale-down window (so a dip shorter than the window does not scale down);</li>
 * <li>rate: the policies' limits, counted from the replicas at the start of each policy's period
 *     ({@code selectPolicy} Max takes the policy allowing the larger change, Min the smaller,
 *     Disabled forbids that direction);</li>
 * <li>minReplicas and maxReplicas.</li>
 * </ol>
 * A missing metric changes nothing. It keeps the recommendations and scale events it needs.
 */
public final class HorizontalScaler {
    /** A value read for the metric, comparable to the target; {@code cap}: an upper bound it implies (or null). */
    public record Reading(double value, Integer cap, String description) {
        public Reading(double value) {
            this(value, null, null);
        }
    }

    /** What was decided and why; {@code value} null when the metric was missing. */
    public record Decision(int currentReplicas, int desiredReplicas, String reason, String message, Double value) {
        public boolean scales() {
            return desiredReplicas != currentReplicas;
        }
    }

    private record Recommendation(Instant at, int replicas) {}

    private record ScaleEvent(Instant at, int change) {}

    private final Deque<Recommendation> recommendations = new ArrayDeque<>();
    private final Deque<ScaleEvent> scaleEvents = new ArrayDeque<>();

    /**
     * Decides the replicas now. A decision that scales counts for the rate policies only once it was applied
     * ({@link #scaled}), as the HPA records a scale event only after its update succeeded.
     */
    public Decision decide(AutoscaleSpec spec, int current, Reading reading, Instant now) {
        double longest = java.util.stream.Stream.of(spec.scaleUp(), spec.scaleDown())
                .flatMap(r -> r.policies().stream()).mapToDouble(Policy::periodSeconds).max().orElse(0);
        while (!scaleEvents.isEmpty() && !scaleEvents.peekFirst().at().isAfter(now.minus(seconds(longest)))) {
            scaleEvents.removeFirst();
        }
        return decideOnly(spec, current, reading, now);
    }

    /** The decision {@code d} was applied at {@code now}: its change counts against the rate policies from now on. */
    public void scaled(Decision d, Instant now) {
        scaleEvents.addLast(new ScaleEvent(now, d.desiredReplicas() - d.currentReplicas()));
    }

    private Decision decideOnly(AutoscaleSpec spec, int current, Reading reading, Instant now) {
        if (current < spec.minReplicas()) {
            return new Decision(current, spec.minReplicas(), "BelowMinReplicas",
                    current + " below minReplicas " + spec.minReplicas(), reading == null ? null : reading.value());
        }
        if (current > spec.maxReplicas()) {
            return new Decision(current, spec.maxReplicas(), "AboveMaxReplicas",
                    current + " above maxReplicas " + spec.maxReplicas(), reading == null ? null : reading.value());
        }
        if (reading == null || Double.isNaN(reading.value())) {
            return new Decision(current, current, "MetricMissing", "no value for the metric: no change", null);
        }
        double ratio = reading.value() / spec.target();
        String formula = "value " + num(reading.value()) + " / target " + num(spec.target()) + " = " + num(ratio);
        int raw;
        if (Math.abs(ratio - 1) <= spec.tolerance()) {
            raw = current;
            formula += " (within tolerance " + num(spec.tolerance()) + ")";
        } else {
            // the small epsilon keeps 3 × (1/3 ÷ 1/3) from rounding up to 4
            raw = (int) Math.min(Integer.MAX_VALUE, Math.ceil(current * ratio - 1e-9));
            formula += ", ceil(" + current + " × " + num(ratio) + ") = " + raw;
        }
        if (reading.cap() != null && raw > reading.cap()) {
            raw = reading.cap();
            formula += ", capped at " + raw + (reading.description() == null ? "" : " (" + reading.description() + ")");
        }
        int stabilized = stabilize(spec, current, raw, now);
        if (stabilized != raw) {
            formula += stabilized < raw
                    ? ", stabilized to " + stabilized + " (lowest recommendation of the last "
                            + num(spec.scaleUp().stabilizationWindowSeconds()) + " s)"
                    : ", stabilized to " + stabilized + " (highest recommendation of the last "
                            + num(spec.scaleDown().stabilizationWindowSeconds()) + " s)";
        }
        int desired = stabilized;
        if (stabilized > current) {
            int limit = Math.min(spec.maxReplicas(), upLimit(spec.scaleUp(), current, now));
            if (desired > limit) {
                desired = limit;
                formula += limit == spec.maxReplicas() ? ", limited to maxReplicas " + limit : ", limited to " + limit
                        + " by the scale-up policies";
            }
        } else if (stabilized < current) {
            int limit = Math.max(spec.minReplicas(), downLimit(spec.scaleDown(), current, now));
            if (desired < limit) {
                desired = limit;
                formula += limit == spec.minReplicas() ? ", limited to minReplicas " + limit : ", limited to " + limit
                        + " by the scale-down policies";
            }
        }
        String reason = desired > current ? "ScaleUp" : desired < current ? "ScaleDown"
                : raw == current ? "Steady" : stabilized == current ? "Stabilized" : "Limited";
        return new Decision(current, desired, reason, formula, reading.value());
    }

    /** HPA's stabilizeRecommendationWithBehaviors: records the recommendation and bounds it by the windows'. */
    private int stabilize(AutoscaleSpec spec, int current, int raw, Instant now) {
        Instant upCutoff = now.minus(seconds(spec.scaleUp().stabilizationWindowSeconds()));
        Instant downCutoff = now.minus(seconds(spec.scaleDown().stabilizationWindowSeconds()));
        Instant oldest = upCutoff.isBefore(downCutoff) ? upCutoff : downCutoff;
        while (!recommendations.isEmpty() && !recommendations.peekFirst().at().isAfter(oldest)) {
            recommendations.removeFirst();
        }
        int up = raw;
        int down = raw;
        for (Recommendation r : recommendations) {
            if (r.at().isAfter(upCutoff)) {
                up = Math.min(up, r.replicas());
            }
            if (r.at().isAfter(downCutoff)) {
                down = Math.max(down, r.replicas());
            }
        }
        recommendations.addLast(new Recommendation(now, raw));
        int stabilized = current;
        if (stabilized < up) {
            stabilized = up;
        }
        if (stabilized > down) {
            stabilized = down;
        }
        return stabilized;
    }

    /** HPA's calculateScaleUpLimitWithScalingRules. */
    private int upLimit(Rules rules, int current, Instant now) {
        if (Rules.DISABLED.equals(rules.selectPolicy())) {
            return current;
        }
        boolean max = !Rules.MIN.equals(rules.selectPolicy());
        int result = max ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (Policy p : rules.policies()) {
            int start = current - changedWithin(p, now, true);
            int proposed = Policy.PODS.equals(p.type()) ? start + p.value()
                    : (int) Math.ceil(start * (1 + p.value() / 100.0));
            result = max ? Math.max(result, proposed) : Math.min(result, proposed);
        }
        return rules.policies().isEmpty() ? Integer.MAX_VALUE : result;
    }

    /** HPA's calculateScaleDownLimitWithBehaviors. */
    private int downLimit(Rules rules, int current, Instant now) {
        if (Rules.DISABLED.equals(rules.selectPolicy())) {
            return current;
        }
        boolean max = !Rules.MIN.equals(rules.selectPolicy());
        int result = max ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        for (Policy p : rules.policies()) {
            int start = current + changedWithin(p, now, false);
            int proposed = Policy.PODS.equals(p.type()) ? start - p.value() : (int) (start * (1 - p.value() / 100.0));
            result = max ? Math.min(result, proposed) : Math.max(result, proposed);
        }
        return rules.policies().isEmpty() ? 0 : result;
    }

    /** Replicas added (up) or removed (down) by this scaler within the policy's period. */
    private int changedWithin(Policy p, Instant now, boolean up) {
        Instant cutoff = now.minus(seconds(p.periodSeconds()));
        int sum = 0;
        for (ScaleEvent e : scaleEvents) {
            if (e.at().isAfter(cutoff) && (up ? e.change() > 0 : e.change() < 0)) {
                sum += Math.abs(e.change());
            }
        }
        return sum;
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }

    /** A number as decisions show it: whole numbers as they are, others to three significant digits. */
    public static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
