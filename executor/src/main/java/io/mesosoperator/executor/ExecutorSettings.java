package io.mesosoperator.executor;

import io.mesosoperator.mesos.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the agent tells its executor through the environment (executor-http-api.md), that whole
 * environment (each task's starts from it), and which executor this is: the operator's own, or
 * Mesos' command executor as mesos-local runs it inside the agent.
 */
record ExecutorSettings(
        String agentEndpoint,
        String frameworkId,
        String executorId,
        Path sandbox,
        boolean checkpoint,
        Duration shutdownGracePeriod,
        Duration recoveryTimeout,
        Duration subscriptionBackoffMax,
        Map<String, String> environment,
        boolean commandExecutor) {

    static ExecutorSettings fromEnvironment(Map<String, String> env) {
        return new ExecutorSettings(
                required(env, "MESOS_AGENT_ENDPOINT"),
                required(env, "MESOS_FRAMEWORK_ID"),
                required(env, "MESOS_EXECUTOR_ID"),
                Path.of(env.getOrDefault("MESOS_SANDBOX", required(env, "MESOS_DIRECTORY"))),
                "1".equals(env.get("MESOS_CHECKPOINT")),
                duration(env, "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "5secs"),
                duration(env, "MESOS_RECOVERY_TIMEOUT", "15mins"),
                duration(env, "MESOS_SUBSCRIPTION_BACKOFF_MAX", "2secs"),
                Map.copyOf(env),
                false);
    }

    /**
     * Behave as Mesos' command executor ({@code mesos-executor}): run TaskInfo.command as it is, in
     * the executor's own sandbox, and nothing of the operator's (no config files, no Spark runner,
     * no sandbox label).
     */
    ExecutorSettings asCommandExecutor() {
        return new ExecutorSettings(agentEndpoint, frameworkId, executorId, sandbox, checkpoint, shutdownGracePeriod,
                recoveryTimeout, subscriptionBackoffMax, environment, true);
    }

    private static Duration duration(Map<String, String> env, String name, String byDefault) {
        try {
            return Durations.parse(env.getOrDefault(name, byDefault));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: this program is a Mesos executor and must be"
                    + " started by a Mesos agent");
        }
        return value;
    }
}
