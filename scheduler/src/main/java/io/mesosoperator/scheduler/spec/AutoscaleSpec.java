package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resource's {@code spec.autoscale} (common.schema.json's {@code autoscale}), shared by every kind
 * that has a count to scale (Service's {@code instances}, AkkaService's {@code replicas}). The
 * defaults are Kubernetes' HorizontalPodAutoscaler's: a tolerance of 0.1, no stabilization up,
 * 300 s down, up by at most 4 instances or 100% per 15 s, down by at most 100% per 15 s.
 */
public record AutoscaleSpec(int minReplicas, int maxReplicas, Metric metric, double target, double tolerance,
                            double intervalSeconds, Rules scaleUp, Rules scaleDown) {

    /** Where the value comes from; {@code perInstance}: the target is an average per instance, else a total. */
    public record Metric(String type, String name, Map<String, String> labels, boolean perInstance,
                         String kafkaCluster, String group, String topic) {
        public static final String SERIES = "series";
        public static final String CPU = "cpu";
        public static final String KAFKA_LAG = "kafkaLag";
    }

    /** How fast one direction may go (HPA's {@code behavior.scaleUp}/{@code scaleDown}). */
    public record Rules(double stabilizationWindowSeconds, String selectPolicy, List<Policy> policies) {
        public static final String MAX = "Max";
        public static final String MIN = "Min";
        public static final String DISABLED = "Disabled";
    }

    /** At most {@code value} instances ({@code Pods}) or percent ({@code Percent}) of change per period. */
    public record Policy(String type, int value, double periodSeconds) {
        public static final String PODS = "Pods";
        public static final String PERCENT = "Percent";
    }

    public static final Rules DEFAULT_SCALE_UP = new Rules(0, Rules.MAX,
            List.of(new Policy(Policy.PODS, 4, 15), new Policy(Policy.PERCENT, 100, 15)));
    public static final Rules DEFAULT_SCALE_DOWN = new Rules(300, Rules.MAX, List.of(new Policy(Policy.PERCENT, 100, 15)));

    /** The autoscale section of a spec (defaults filled in here too); null when the spec has none. */
    public static AutoscaleSpec of(JsonNode spec) {
        JsonNode a = spec.path("autoscale");
        if (!a.isObject()) {
            return null;
        }
        JsonNode m = a.path("metric");
        Map<String, String> labels = new LinkedHashMap<>();
        m.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        String type = m.path("type").asText(Metric.SERIES);
        boolean perInstance = !"total".equals(m.path("aggregate").asText("average"));
        Metric metric = new Metric(type, m.path("name").asText(null), labels, perInstance,
                m.path("kafkaCluster").asText(null), m.path("group").asText(null), m.path("topic").asText(null));
        return new AutoscaleSpec(a.path("minReplicas").asInt(1), a.path("maxReplicas").asInt(1), metric,
                a.path("target").asDouble(), a.path("tolerance").asDouble(0.1), a.path("intervalSeconds").asDouble(15),
                rules(a.path("scaleUp"), DEFAULT_SCALE_UP), rules(a.path("scaleDown"), DEFAULT_SCALE_DOWN));
    }

    private static Rules rules(JsonNode r, Rules defaults) {
        if (!r.isObject()) {
            return defaults;
        }
        List<Policy> policies = new ArrayList<>();
        r.path("policies").forEach(p -> policies.add(new Policy(p.path("type").asText(), p.path("value").asInt(),
                p.path("periodSeconds").asDouble(15))));
        return new Rules(r.path("stabilizationWindowSeconds").asDouble(defaults.stabilizationWindowSeconds()),
                r.path("selectPolicy").asText(defaults.selectPolicy()),
                r.has("policies") ? List.copyOf(policies) : defaults.policies());
    }

    /**
     * What the schema cannot say: maxReplicas below minReplicas, the fields each metric type needs.
     */
    public static List<FieldError> check(JsonNode spec) {
        AutoscaleSpec a = of(spec);
        List<FieldError> errors = new ArrayList<>();
        if (a == null) {
            return errors;
        }
        if (a.maxReplicas() < a.minReplicas()) {
            errors.add(FieldError.of("spec.autoscale.maxReplicas", "must be >= spec.autoscale.minReplicas ("
                    + a.minReplicas() + "), is " + a.maxReplicas()));
        }
        Metric m = a.metric();
        if (Metric.SERIES.equals(m.type()) && m.name() == null) {
            errors.add(FieldError.of("spec.autoscale.metric.name", "required when metric.type is series"));
        }
        if (Metric.KAFKA_LAG.equals(m.type())) {
            for (String field : List.of("kafkaCluster", "group")) {
                if (!spec.path("autoscale").path("metric").hasNonNull(field)) {
                    errors.add(FieldError.of("spec.autoscale.metric." + field, "required when metric.type is kafkaLag"));
                }
            }
        }
        return errors;
    }
}
