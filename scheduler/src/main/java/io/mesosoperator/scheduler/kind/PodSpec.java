package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.spec.ResourceKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One desired instance of a resource, in Mesos-neutral terms: what to run and with what. Every
 * kind maps its spec to pods; the shared machinery launches, watches and replaces them.
 * {@code configHash} changes exactly when a running instance must be replaced (rolling update).
 * Instance numbers are stable and unique within the resource, not necessarily contiguous.
 * {@code group} is the pod's role within its resource (e.g. Kafka's "controller" and "broker"): it
 * is part of the name ({@code events-broker-0}), and {@code maxPerAgent} counts only the pods of
 * the same resource and group on an agent; null for kinds whose instances are all alike.
 * {@code requiredAttributes}: the pod is placed only on agents that have each of these attributes
 * (TEXT or SCALAR), which its task then finds in {@code MESOS_OPERATOR_ATTRIBUTE_<NAME>}.
 * {@code ownExecutor}: when the pod runs under the operator's executor, it gets one of its own
 * instead of sharing one with its resource's instances on the agent, so that its container's CPU
 * and memory are the instance's own (metrics/TaskUsage, the autoscaler's {@code cpu}); a pod with
 * a volume always gets its own. {@code labels}: more labels for the pod's Mesos task, beside the
 * resource, instance and config hash every task carries (a Spark executor's run, attempt and id).
 */
public record PodSpec(
        ResourceKey resource,
        int instance,
        double cpus,
        double memMb,
        double diskMb,
        String command,
        Map<String, String> env,
        List<Artifact> uris,
        List<String> portNames,
        HealthCheckSpec healthCheck,
        Duration killGracePeriod,
        String configHash,
        Volume volume,
        List<ConfigFile> files,
        Integer maxPerAgent,
        String group,
        List<RequiredAttribute> requiredAttributes,
        boolean ownExecutor,
        Map<String, String> labels) {

    public PodSpec {
        labels = Map.copyOf(labels);
    }

    /** A pod with no labels of its own. */
    public PodSpec(ResourceKey resource, int instance, double cpus, double memMb, double diskMb, String command,
                   Map<String, String> env, List<Artifact> uris, List<String> portNames, HealthCheckSpec healthCheck,
                   Duration killGracePeriod, String configHash, Volume volume, List<ConfigFile> files,
                   Integer maxPerAgent, String group, List<RequiredAttribute> requiredAttributes, boolean ownExecutor) {
        this(resource, instance, cpus, memMb, diskMb, command, env, uris, portNames, healthCheck, killGracePeriod,
                configHash, volume, files, maxPerAgent, group, requiredAttributes, ownExecutor, Map.of());
    }

    /** A pod that shares the operator's executor with its resource's instances on the agent (unless it has a volume). */
    public PodSpec(ResourceKey resource, int instance, double cpus, double memMb, double diskMb, String command,
                   Map<String, String> env, List<Artifact> uris, List<String> portNames, HealthCheckSpec healthCheck,
                   Duration killGracePeriod, String configHash, Volume volume, List<ConfigFile> files,
                   Integer maxPerAgent, String group, List<RequiredAttribute> requiredAttributes) {
        this(resource, instance, cpus, memMb, diskMb, command, env, uris, portNames, healthCheck, killGracePeriod,
                configHash, volume, files, maxPerAgent, group, requiredAttributes, false);
    }

    /** A pod without a group, on any agent: all instances of its resource are alike. */
    public PodSpec(ResourceKey resource, int instance, double cpus, double memMb, double diskMb, String command,
                   Map<String, String> env, List<Artifact> uris, List<String> portNames, HealthCheckSpec healthCheck,
                   Duration killGracePeriod, String configHash, Volume volume, List<ConfigFile> files,
                   Integer maxPerAgent) {
        this(resource, instance, cpus, memMb, diskMb, command, env, uris, portNames, healthCheck, killGracePeriod,
                configHash, volume, files, maxPerAgent, null, List.of());
    }

    /** A pod of a group, on any agent. */
    public PodSpec(ResourceKey resource, int instance, double cpus, double memMb, double diskMb, String command,
                   Map<String, String> env, List<Artifact> uris, List<String> portNames, HealthCheckSpec healthCheck,
                   Duration killGracePeriod, String configHash, Volume volume, List<ConfigFile> files,
                   Integer maxPerAgent, String group) {
        this(resource, instance, cpus, memMb, diskMb, command, env, uris, portNames, healthCheck, killGracePeriod,
                configHash, volume, files, maxPerAgent, group, List.of());
    }

    /** A pod without configuration files or a placement limit (Service). */
    public PodSpec(ResourceKey resource, int instance, double cpus, double memMb, double diskMb, String command,
                   Map<String, String> env, List<Artifact> uris, List<String> portNames, HealthCheckSpec healthCheck,
                   Duration killGracePeriod, String configHash, Volume volume) {
        this(resource, instance, cpus, memMb, diskMb, command, env, uris, portNames, healthCheck, killGracePeriod,
                configHash, volume, List.of(), null, null, List.of());
    }

    /**
     * A file the executor renders into the sandbox before the process starts: {@code format} is
     * properties (content: an object), yaml (any JSON value) or lines (an array of strings); string
     * values may use the task's variables, e.g. {@code ${PORT_BROKER}} or {@code ${MESOS_OPERATOR_HOST}}.
     * {@code mode}: the file's POSIX permissions in octal (e.g. "0400": only its owner may read it,
     * for files holding a secret); null leaves them to the executor's umask. The content is never
     * part of {@link #toString()} (it may hold a secret that must stay out of logs).
     */
    public record ConfigFile(String path, String format, com.fasterxml.jackson.databind.JsonNode content, String mode) {
        public ConfigFile(String path, String format, com.fasterxml.jackson.databind.JsonNode content) {
            this(path, format, content, null);
        }

        @Override
        public String toString() {
            return "ConfigFile[" + path + ", " + format + (mode == null ? "" : ", mode " + mode) + "]";
        }
    }

    /** "hello-0", "events-broker-0": the stable name of the instance; task ids start with it. */
    public String name() {
        return name(resource.name(), group, instance);
    }

    /** The name of instance {@code instance} of group {@code group} (may be null) of the resource named {@code resourceName}. */
    public static String name(String resourceName, String group, int instance) {
        return resourceName + "-" + (group == null ? "" : group + "-") + instance;
    }

    /** The same pod, to be launched with this configuration (the plan adds its restart count to the spec's hash). */
    public PodSpec withConfigHash(String config) {
        return new PodSpec(resource, instance, cpus, memMb, diskMb, command, env, uris, portNames, healthCheck,
                killGracePeriod, config, volume, files, maxPerAgent, group, requiredAttributes, ownExecutor, labels);
    }

    /** The same pod, its task labelled with these too. */
    public PodSpec withLabels(Map<String, String> more) {
        return new PodSpec(resource, instance, cpus, memMb, diskMb, command, env, uris, portNames, healthCheck,
                killGracePeriod, configHash, volume, files, maxPerAgent, group, requiredAttributes, ownExecutor, more);
    }

    /**
     * An agent attribute the pod needs: {@code name} with a TEXT or SCALAR value; when {@code value}
     * is not null, that value (a SCALAR compares as Mesos prints it, e.g. "2" or "2.5").
     */
    public record RequiredAttribute(String name, String value) {
        public static final String VARIABLE_PREFIX = "MESOS_OPERATOR_ATTRIBUTE_";

        public static RequiredAttribute any(String name) {
            return new RequiredAttribute(name, null);
        }

        /** The environment variable a task finds an agent attribute in: MESOS_OPERATOR_ATTRIBUTE_ + the mangled name. */
        public static String variable(String attributeName) {
            return VARIABLE_PREFIX + attributeName.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        }

        @Override
        public String toString() {
            return value == null ? "'" + name + "'" : "'" + name + "' = '" + value + "'";
        }
    }

    /** A persistent volume of this instance; null for stateless pods. */
    public record Volume(double sizeMb, String containerPath) {}

    /** An artifact the agent fetches into the sandbox. */
    public record Artifact(String value, boolean extract, boolean executable, String outputFile) {}

    /** A Mesos health check; exactly one of port/portName for http and tcp, command for command. */
    public record HealthCheckSpec(String type, Integer port, String portName, String path, String command,
                                  double delaySeconds, double intervalSeconds, double timeoutSeconds,
                                  int consecutiveFailures, double gracePeriodSeconds) {}
}
