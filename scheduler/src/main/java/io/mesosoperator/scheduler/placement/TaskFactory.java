package io.mesosoperator.scheduler.placement;

import io.mesosoperator.mesos.ExecutorContract;
import io.mesosoperator.scheduler.kind.PodSpec;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.Value;

/**
 * Turns a placed pod into a Mesos TaskInfo, run either by Mesos' own command executor or by our
 * custom executor.
 *
 * <p>Which executor: a pod needs our executor only for what Mesos' command executor cannot do, and
 * {@link #usesOperatorExecutor(PodSpec)} is the one place that decides it: a pod with configuration
 * files to render into its sandbox ({@code files}, e.g. Kafka's and Cassandra's) or a Spark
 * application (environment {@code MESOS_OPERATOR_RUNNER=spark}, run through SparkLauncher) gets our
 * executor; every other pod (e.g. Service, AkkaService) runs as a plain Mesos <em>command task</em>,
 * as Marathon runs apps: {@code TaskInfo.command} is the pod's shell command with its environment
 * and its artifacts as {@code command.uris} (the agent fetches them into the sandbox), and there is
 * no {@code executor} (Mesos refuses a task that has both). The agent then starts its small
 * {@code mesos-executor} instead of our JVM, which is what takes most of the time from apply to a
 * running process. The command executor's executor id is the task id, and its sandbox is the
 * task's. The master does not count the command executor's resources (MESOS-1718), so the
 * {@link OfferMatcher} asks the offers for our executor's share only for pods that use it.
 *
 * <p>For our executor, the command travels serialized in {@code TaskInfo.data} (a task with an
 * ExecutorInfo may not carry a CommandInfo), and the executor jar and the pod's artifacts reach the
 * agent as the executor's URIs, as on any real Mesos cluster. The instances of one resource on one
 * agent share an executor (one JVM instead of one per task; each task still gets its own directory,
 * process group and status updates), unless the pod has a persistent volume, whose task gets an
 * executor of its own because Mesos mounts a volume in its executor's sandbox, or asks for one of
 * its own ({@link PodSpec#ownExecutor()}: an AkkaService replica, whose CPU and memory Mesos then
 * measures alone). Tasks may share an executor only when their ExecutorInfos are equal (Mesos
 * refuses the launch otherwise), so the shared executor's id carries a digest of its ExecutorInfo: a spec change that changes the
 * artifacts starts a new one.
 *
 * <p>The task's environment: the pod's own variables; {@code MESOS_TASK_ID} (which Mesos' command
 * executor, unlike ours, does not set); {@code MESOS_OPERATOR_RESOURCE},
 * {@code MESOS_OPERATOR_INSTANCE}, {@code MESOS_OPERATOR_HOST} (the agent's hostname),
 * {@code MESOS_OPERATOR_JAVA}; {@code PORT0..N} and {@code PORT_<NAME>}; and the attributes of the
 * agent the offer came from, each as {@code MESOS_OPERATOR_ATTRIBUTE_<NAME>}: the attribute's name
 * upper-cased with every character other than A-Z and 0-9 turned into {@code _} (so {@code rack}
 * is {@code MESOS_OPERATOR_ATTRIBUTE_RACK} and {@code fault-domain.zone} is
 * {@code MESOS_OPERATOR_ATTRIBUTE_FAULT_DOMAIN_ZONE}). TEXT attributes give their text, SCALAR ones
 * their number without trailing zeros ({@code 8}, {@code 0.5}); RANGES and SET attributes are not
 * exported. When two attribute names map to one variable, the first in the offer wins. Config files
 * may use them as {@code ${MESOS_OPERATOR_ATTRIBUTE_RACK}}.
 */
public final class TaskFactory {
    public static final String RESOURCE_LABEL = "mesos-operator.io/resource";
    public static final String INSTANCE_LABEL = "mesos-operator.io/instance";
    public static final String CONFIG_LABEL = "mesos-operator.io/config-hash";
    public static final String EXECUTOR_FILE = "mesos-operator-executor.jar";

    /** How agents start the executor: the java to run, where the jar is, what it may use. */
    public record ExecutorSettings(String javaCommand, String executorUri, double cpus, double memMb) {}

    private static final com.fasterxml.jackson.databind.ObjectMapper FILES_JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final ExecutorSettings executor;
    private final String frameworkName;

    public TaskFactory(ExecutorSettings executor, String frameworkName) {
        this.executor = executor;
        this.frameworkName = frameworkName;
    }

    public static String newTaskId(PodSpec pod) {
        return pod.name() + "." + UUID.randomUUID();
    }

    /**
     * Whether the pod needs our executor: it has configuration files to render, or it is a Spark
     * application. Every other pod runs as a Mesos command task. The one place this is decided;
     * the offer matching asks it too.
     */
    public static boolean usesOperatorExecutor(PodSpec pod) {
        return !pod.files().isEmpty() || ExecutorContract.SPARK_RUNNER.equals(pod.env().get(ExecutorContract.RUNNER_ENV));
    }

    /** An attribute's value as a task sees it: TEXT as is, SCALAR as a plain number; null for other types. */
    public static String attributeValue(Attribute attribute) {
        return switch (attribute.getType()) {
            case TEXT -> attribute.getText().getValue();
            case SCALAR -> java.math.BigDecimal.valueOf(attribute.getScalar().getValue()).stripTrailingZeros().toPlainString();
            default -> null;
        };
    }

    /**
     * @param reservation where a stateful pod's cpus, mem and volume are reserved; null for stateless pods
     * @param attributes the attributes of the agent, as the offer carries them
     */
    public TaskInfo build(String taskId, OfferMatcher.Placement placement, AgentID agent, String host, FrameworkID framework,
                          io.mesosoperator.scheduler.store.ReservationRecord reservation, List<Attribute> attributes) {
        PodSpec pod = placement.pod();
        Environment.Builder env = Environment.newBuilder();
        pod.env().forEach((k, v) -> env.addVariables(variable(k, v)));
        java.util.Set<String> exported = new java.util.HashSet<>();
        for (Attribute attribute : attributes) {
            String value = attributeValue(attribute);
            String name = PodSpec.RequiredAttribute.variable(attribute.getName());
            if (value != null && exported.add(name)) {
                env.addVariables(variable(name, value));
            }
        }
        // Mesos' command executor does not set it (our executor does), so the task carries it, as Marathon's do
        env.addVariables(variable("MESOS_TASK_ID", taskId));
        env.addVariables(variable("MESOS_OPERATOR_RESOURCE", pod.resource().toString()));
        env.addVariables(variable("MESOS_OPERATOR_INSTANCE", Integer.toString(pod.instance())));
        // the address the task's servers bind and advertise, and the java the agent runs executors with
        env.addVariables(variable("MESOS_OPERATOR_HOST", host));
        env.addVariables(variable("MESOS_OPERATOR_JAVA", executor.javaCommand()));
        if (!pod.files().isEmpty()) {
            env.addVariables(variable("MESOS_OPERATOR_CONFIG_FILES", FILES_JSON.valueToTree(pod.files()).toString()));
        }
        for (int i = 0; i < placement.ports().size(); i++) {
            String port = Long.toString(placement.ports().get(i));
            env.addVariables(variable("PORT" + i, port));
            env.addVariables(variable("PORT_" + pod.portNames().get(i).toUpperCase(Locale.ROOT).replace('-', '_'), port));
        }
        CommandInfo command = CommandInfo.newBuilder().setShell(true).setValue(pod.command()).setEnvironment(env).build();
        List<CommandInfo.URI> artifacts = new java.util.ArrayList<>();
        for (PodSpec.Artifact a : pod.uris()) {
            CommandInfo.URI.Builder uri = CommandInfo.URI.newBuilder().setValue(a.value()).setExtract(a.extract())
                    .setExecutable(a.executable());
            if (a.outputFile() != null) {
                uri.setOutputFile(a.outputFile());
            }
            artifacts.add(uri.build());
        }
        TaskInfo.Builder task = TaskInfo.newBuilder()
                .setName(pod.name())
                .setTaskId(TaskID.newBuilder().setValue(taskId))
                .setAgentId(agent)
                .setKillPolicy(KillPolicy.newBuilder().setGracePeriod(
                        DurationInfo.newBuilder().setNanoseconds(pod.killGracePeriod().toNanos())))
                .setLabels(labels(pod));
        if (usesOperatorExecutor(pod)) {
            // Mesos forbids both CommandInfo and ExecutorInfo on a task: the command travels
            // in TaskInfo.data, and the agent fetches its artifacts with the executor's.
            task.setData(command.toByteString()).setExecutor(executorInfo(pod, taskId, framework, artifacts));
        } else {
            // a command task: Mesos' command executor runs it and the agent fetches its URIs
            task.setCommand(command.toBuilder().addAllUris(artifacts));
        }
        if (reservation == null) {
            task.addResources(scalar("cpus", pod.cpus())).addResources(scalar("mem", pod.memMb()));
        } else {
            task.addResources(ReservedResources.reserved("cpus", reservation.cpus(), reservation, frameworkName))
                    .addResources(ReservedResources.reserved("mem", reservation.mem(), reservation, frameworkName))
                    .addResources(ReservedResources.volume(reservation, frameworkName));
        }
        if (pod.diskMb() > 0) {
            task.addResources(scalar("disk", pod.diskMb()));
        }
        if (!placement.ports().isEmpty()) {
            Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
            placement.ports().forEach(p -> ranges.addRange(Value.Range.newBuilder().setBegin(p).setEnd(p)));
            task.addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRanges(ranges));
        }
        if (pod.healthCheck() != null) {
            task.setHealthCheck(healthCheck(pod.healthCheck(), pod, placement.ports()));
        }
        return task.build();
    }

    private ExecutorInfo executorInfo(PodSpec pod, String taskId, FrameworkID framework, List<CommandInfo.URI> artifacts) {
        String java = executor.javaCommand();
        // a small, quick-starting JVM: the executor only relays status and watches its tasks' processes
        String value = "exec " + java + " -Xmx40m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                + " -XX:-UsePerfData -jar " + EXECUTOR_FILE;
        boolean shared = pod.volume() == null && !pod.ownExecutor();
        ExecutorInfo.Builder info = ExecutorInfo.newBuilder()
                .setType(ExecutorInfo.Type.CUSTOM)
                .setFrameworkId(framework)
                .setName("mesos-operator executor for " + (shared ? pod.resource().toString() : taskId))
                .setCommand(CommandInfo.newBuilder().setShell(true).setValue(value)
                        .addUris(CommandInfo.URI.newBuilder().setValue(executor.executorUri())
                                .setExtract(false).setCache(true).setOutputFile(EXECUTOR_FILE))
                        .addAllUris(artifacts))
                .addResources(scalar("cpus", executor.cpus()))
                .addResources(scalar("mem", executor.memMb()));
        String id = shared ? sharedExecutorId(pod, info) : taskId;
        return info.setExecutorId(ExecutorID.newBuilder().setValue(id)).build();
    }

    /** E.g. {@code service.web.3fa2c1d09b7e}: the resource, and a digest of everything else in the ExecutorInfo. */
    static String sharedExecutorId(PodSpec pod, ExecutorInfo.Builder withoutId) {
        return pod.resource().kind().toLowerCase(Locale.ROOT) + "." + pod.resource().name() + "."
                + io.mesosoperator.scheduler.kind.ConfigHash.of(withoutId.buildPartial().toByteArray());
    }

    private static HealthCheck healthCheck(PodSpec.HealthCheckSpec h, PodSpec pod, List<Long> ports) {
        HealthCheck.Builder check = HealthCheck.newBuilder()
                .setDelaySeconds(h.delaySeconds())
                .setIntervalSeconds(h.intervalSeconds())
                .setTimeoutSeconds(h.timeoutSeconds())
                .setConsecutiveFailures(h.consecutiveFailures())
                .setGracePeriodSeconds(h.gracePeriodSeconds());
        switch (h.type()) {
            case "http" -> check.setType(HealthCheck.Type.HTTP).setHttp(HealthCheck.HTTPCheckInfo.newBuilder()
                    .setPort(port(h, pod, ports)).setPath(h.path() == null ? "/" : h.path()));
            case "tcp" -> check.setType(HealthCheck.Type.TCP).setTcp(HealthCheck.TCPCheckInfo.newBuilder()
                    .setPort(port(h, pod, ports)));
            default -> check.setType(HealthCheck.Type.COMMAND)
                    .setCommand(CommandInfo.newBuilder().setShell(true).setValue(h.command()));
        }
        return check.build();
    }

    private static int port(PodSpec.HealthCheckSpec h, PodSpec pod, List<Long> ports) {
        if (h.port() != null) {
            return h.port();
        }
        int index = pod.portNames().indexOf(h.portName());
        if (index < 0) {
            throw new IllegalArgumentException("healthCheck.portName '" + h.portName() + "' is not in spec.ports");
        }
        return ports.get(index).intValue();
    }

    private static Resource scalar(String name, double value) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }

    private static Environment.Variable variable(String name, String value) {
        return Environment.Variable.newBuilder().setName(name).setValue(value).build();
    }

    /** What every task carries (its resource, instance and config hash), then the pod's own labels, in key order. */
    private static Labels labels(PodSpec pod) {
        Labels.Builder labels = Labels.newBuilder()
                .addLabels(label(RESOURCE_LABEL, pod.resource().toString()))
                .addLabels(label(INSTANCE_LABEL, Integer.toString(pod.instance())))
                .addLabels(label(CONFIG_LABEL, pod.configHash()));
        new java.util.TreeMap<>(pod.labels()).forEach((key, value) -> labels.addLabels(label(key, value)));
        return labels.build();
    }

    private static Label label(String key, String value) {
        return Label.newBuilder().setKey(key).setValue(value).build();
    }
}
