package io.mesosoperator.mesos;

/**
 * What the operator and its executor agree on beyond Mesos' protobufs: one definition each, read
 * by the scheduler (which sets or reads them) and the executor (which reads or sets them).
 */
public final class ExecutorContract {
    private ExecutorContract() {}

    /** Label on the executor's status updates: the host path of the task's sandbox. */
    public static final String SANDBOX_LABEL = "mesos-operator.io/sandbox";
    /** Task environment variable that picks the executor's runner for the task. */
    public static final String RUNNER_ENV = "MESOS_OPERATOR_RUNNER";
    /** {@link #RUNNER_ENV}'s value for a Spark application (the executor's SparkRunner). */
    public static final String SPARK_RUNNER = "spark";
    /** Task environment variable with the JSON that says which Spark application to run. */
    public static final String SPARK_SETTINGS_ENV = "MESOS_OPERATOR_SPARK";
    /** The name a Spark task's sandbox gives its driver's output (a link to the task's stdout). */
    public static final String SPARK_DRIVER_LOG = "driver.log";
}
