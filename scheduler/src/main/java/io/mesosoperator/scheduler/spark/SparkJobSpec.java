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

    public record RestartPolicy(String type, int maxRetries, double backoffSeconds, double backoffFactor,
                                double maxBackoffSeconds) {}
}
