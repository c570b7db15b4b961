package io.mesosoperator.scheduler.spark;

import java.util.List;
import java.util.Map;

/** The spec of a SparkJob, as resource-specs/spark.schema.json defines it (defaults applied). */
public record SparkJobSpec(
        String mainApplicationFile,
        String mainClass,
        List<String> arguments,
        List<String> files,
        Map<String, String> sparkConf,
        String master,
        Driver driver,
        Executor executor,
        Map<String, String> env,
        String distribution,
        String sparkVersion,
        Placement placement,
        RestartPolicy restartPolicy,
        String schedule,
        String concurrencyPolicy,
        int successfulRunHistoryLimit,
        int failedRunHistoryLimit) {

    /** The driver: with the default local[N] master it is the whole application, in the Mesos task. */
    public record Driver(int cores, String memory, Integer memoryOverhead) {}

    /**
     * Executors: without {@code master}, each one a Mesos task the operator launches for the driver
     * (docs/spark-executors.md); with a {@code master}, only spark.executor.* for that master.
     */
    public record Executor(Integer instances, Integer cores, String memory, Integer memoryOverhead) {}

    /**
     * Where the driver and the executors may run: only on agents with every one of these attributes (TEXT or
     * SCALAR value as written), and at most {@code maxExecutorsPerAgent} executors of the job on one agent.
     */
    public record Placement(Map<String, String> agentAttributes, Integer maxExecutorsPerAgent) {
        static final Placement ANYWHERE = new Placement(Map.of(), null);

        /** The attributes as the offer matcher takes them, in the spec's order. */
        List<io.mesosoperator.scheduler.kind.PodSpec.RequiredAttribute> requiredAttributes() {
            return agentAttributes == null ? List.of() : agentAttributes.entrySet().stream()
                    .map(a -> new io.mesosoperator.scheduler.kind.PodSpec.RequiredAttribute(a.getKey(), a.getValue()))
                    .toList();
        }
    }

    /** The spec's placement, or anywhere. */
    public Placement placementOrAnywhere() {
        return placement == null ? Placement.ANYWHERE : placement;
    }

    public record RestartPolicy(String type, int maxRetries, double backoffSeconds, double backoffFactor,
                                double maxBackoffSeconds) {}
}
