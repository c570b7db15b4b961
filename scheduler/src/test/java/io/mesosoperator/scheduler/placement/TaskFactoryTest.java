package io.mesosoperator.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.mesos.ExecutorContract;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.ReservationRecord;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.Test;

/**
 * What a task finds in its environment about where it was placed, and which executor runs it: Mesos'
 * command executor unless the pod needs ours (config files, Spark), then a shared one of ours.
 */
class TaskFactoryTest {
    private final TaskFactory factory = new TaskFactory(new TaskFactory.ExecutorSettings("java",
            "file:///opt/executor.jar", 0.05, 64), "mesos-operator");

    private static Attribute text(String name, String value) {
        return Attribute.newBuilder().setName(name).setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue(value))
                .build();
    }

    private static Attribute scalar(String name, double value) {
        return Attribute.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }

    private Map<String, String> environment(List<Attribute> attributes) throws Exception {
        PodSpec pod = new PodSpec(OfferMatcherTest.KEY, 2, 0.1, 32, 0, "env", Map.of("GREETING", "hi"), List.of(),
                List.of("http"), null, Duration.ofSeconds(1), "h", null);
        TaskInfo task = factory.build("web-2.x", new OfferMatcher.Placement(pod, List.of(31005L)),
                AgentID.newBuilder().setValue("S1").build(), "node7.example.org",
                FrameworkID.newBuilder().setValue("fw").build(), null, attributes);
        assertThat(task.hasExecutor()).as("a Service pod is a command task").isFalse();
        Map<String, String> env = new LinkedHashMap<>();
        for (Environment.Variable v : task.getCommand().getEnvironment().getVariablesList()) {
            assertThat(env.put(v.getName(), v.getValue())).as("%s set once", v.getName()).isNull();
        }
        return env;
    }

    @Test
    void exportsTheAgentsTextAndScalarAttributesUnderMangledNames() throws Exception {
        Attribute ranges = Attribute.newBuilder().setName("slots").setType(Value.Type.RANGES)
                .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(1).setEnd(4))).build();
        Map<String, String> env = environment(List.of(text("rack", "r1"), text("fault-domain.zone", "eu-west-1a"),
                scalar("cores", 8), scalar("weight", 0.5), ranges, text("Fault_Domain.zone", "ignored: the first wins")));
        assertThat(env).containsEntry("MESOS_OPERATOR_ATTRIBUTE_RACK", "r1")
                .containsEntry("MESOS_OPERATOR_ATTRIBUTE_FAULT_DOMAIN_ZONE", "eu-west-1a")
                .containsEntry("MESOS_OPERATOR_ATTRIBUTE_CORES", "8")
                .containsEntry("MESOS_OPERATOR_ATTRIBUTE_WEIGHT", "0.5")
                .doesNotContainKey("MESOS_OPERATOR_ATTRIBUTE_SLOTS")
                .containsEntry("GREETING", "hi").containsEntry("MESOS_OPERATOR_HOST", "node7.example.org")
                .containsEntry("PORT_HTTP", "31005").containsEntry("MESOS_OPERATOR_INSTANCE", "2");
        assertThat(PodSpec.RequiredAttribute.variable("fault-domain.zone")).isEqualTo("MESOS_OPERATOR_ATTRIBUTE_FAULT_DOMAIN_ZONE");
    }

    @Test
    void anAgentWithoutAttributesExportsNone() throws Exception {
        assertThat(environment(List.of()).keySet()).noneMatch(k -> k.startsWith(PodSpec.RequiredAttribute.VARIABLE_PREFIX));
    }

    static final ResourceKey WEB = new ResourceKey("Service", "web");
    static final PodSpec.ConfigFile CONFIG = new PodSpec.ConfigFile("app.properties", "properties",
            new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("port", "${PORT_HTTP}"));

    /** A pod with a config file to render: one only our executor can run. */
    static PodSpec pod(int instance, String artifact, PodSpec.Volume volume) {
        return withFiles(commandPod(instance, artifact, volume));
    }

    /** A pod as a Service makes it: nothing to render, so a command task. */
    static PodSpec commandPod(int instance, String artifact, PodSpec.Volume volume) {
        return new PodSpec(WEB, instance, 0.1, 32, 0, "exec sleep 300", Map.of(),
                List.of(new PodSpec.Artifact(artifact, true, false, null)), List.of(), null, Duration.ofSeconds(3), "h1", volume);
    }

    static PodSpec withFiles(PodSpec p) {
        return new PodSpec(p.resource(), p.instance(), p.cpus(), p.memMb(), p.diskMb(), p.command(), p.env(), p.uris(),
                p.portNames(), p.healthCheck(), p.killGracePeriod(), p.configHash(), p.volume(), List.of(CONFIG),
                p.maxPerAgent(), p.group(), p.requiredAttributes());
    }

    TaskInfo build(PodSpec pod) {
        String taskId = TaskFactory.newTaskId(pod);
        return factory.build(taskId, new OfferMatcher.Placement(pod, List.of()), AgentID.newBuilder().setValue("S0").build(),
                "127.0.0.1", FrameworkID.newBuilder().setValue("fw").build(), null, List.of());
    }

    private static Map<String, String> variables(CommandInfo command) {
        Map<String, String> env = new LinkedHashMap<>();
        command.getEnvironment().getVariablesList().forEach(v -> env.put(v.getName(), v.getValue()));
        return env;
    }

    private static double scalar(TaskInfo task, String name) {
        return task.getResourcesList().stream().filter(r -> r.getName().equals(name)).mapToDouble(r -> r.getScalar().getValue())
                .sum();
    }

    @Test
    void aServicePodBecomesAMesosCommandTask() {
        PodSpec.HealthCheckSpec health = new PodSpec.HealthCheckSpec("http", null, "http", "/health", null, 1, 2, 3, 4, 5);
        PodSpec pod = new PodSpec(WEB, 3, 0.25, 48, 10, "exec ./app/bin/server", Map.of("GREETING", "hi"),
                List.of(new PodSpec.Artifact("https://example.org/app.tgz", true, false, null),
                        new PodSpec.Artifact("https://example.org/tool", false, true, "tool")),
                List.of("http"), health, Duration.ofSeconds(7), "h3", null);
        assertThat(TaskFactory.usesOperatorExecutor(pod)).isFalse();
        String taskId = TaskFactory.newTaskId(pod);
        TaskInfo task = factory.build(taskId, new OfferMatcher.Placement(pod, List.of(31007L)),
                AgentID.newBuilder().setValue("S4").build(), "node4", FrameworkID.newBuilder().setValue("fw").build(), null,
                List.of(text("rack", "r2")));

        // Mesos' command executor runs it: a command, no executor, nothing hidden in data
        assertThat(task.hasExecutor()).isFalse();
        assertThat(task.getData().isEmpty()).isTrue();
        assertThat(task.getTaskId().getValue()).isEqualTo(taskId);
        assertThat(task.getAgentId().getValue()).isEqualTo("S4");
        CommandInfo command = task.getCommand();
        assertThat(command.getShell()).isTrue();
        assertThat(command.getValue()).isEqualTo("exec ./app/bin/server");
        // the agent fetches a command task's URIs into its sandbox
        assertThat(command.getUrisList()).containsExactly(
                CommandInfo.URI.newBuilder().setValue("https://example.org/app.tgz").setExtract(true).setExecutable(false).build(),
                CommandInfo.URI.newBuilder().setValue("https://example.org/tool").setExtract(false).setExecutable(true)
                        .setOutputFile("tool").build());
        // MESOS_TASK_ID too: Mesos' command executor does not set it, and commands use it (sample-specs/service.yaml)
        assertThat(variables(command)).containsEntry("GREETING", "hi").containsEntry("MESOS_TASK_ID", taskId)
                .containsEntry("MESOS_OPERATOR_RESOURCE", "Service/web")
                .containsEntry("MESOS_OPERATOR_INSTANCE", "3").containsEntry("MESOS_OPERATOR_HOST", "node4")
                .containsEntry("MESOS_OPERATOR_JAVA", "java").containsEntry("PORT0", "31007")
                .containsEntry("PORT_HTTP", "31007").containsEntry("MESOS_OPERATOR_ATTRIBUTE_RACK", "r2")
                .doesNotContainKey("MESOS_OPERATOR_CONFIG_FILES");
        assertThat(task.getKillPolicy().getGracePeriod().getNanoseconds()).isEqualTo(Duration.ofSeconds(7).toNanos());
        assertThat(task.getHealthCheck().getType()).isEqualTo(org.apache.mesos.v1.Protos.HealthCheck.Type.HTTP);
        assertThat(task.getHealthCheck().getHttp().getPort()).isEqualTo(31007);
        assertThat(task.getHealthCheck().getHttp().getPath()).isEqualTo("/health");
        assertThat(task.getHealthCheck().getConsecutiveFailures()).isEqualTo(4);
        // only the pod's own resources: the command executor's overhead is the agent's business
        assertThat(scalar(task, "cpus")).isEqualTo(0.25);
        assertThat(scalar(task, "mem")).isEqualTo(48);
        assertThat(scalar(task, "disk")).isEqualTo(10);
        assertThat(task.getResourcesList()).filteredOn(r -> r.getName().equals("ports"))
                .singleElement().satisfies(r -> assertThat(r.getRanges().getRange(0).getBegin()).isEqualTo(31007));
        assertThat(task.getLabels().getLabelsList()).extracting(l -> l.getKey() + "=" + l.getValue())
                .containsExactly(TaskFactory.RESOURCE_LABEL + "=Service/web", TaskFactory.INSTANCE_LABEL + "=3",
                        TaskFactory.CONFIG_LABEL + "=h3");
    }

    @Test
    void aPodsOwnLabelsFollowTheOnesEveryTaskCarries() {
        PodSpec pod = new PodSpec(WEB, 3, 0.25, 48, 0, "exec ./app", Map.of(), List.of(), List.of(), null,
                Duration.ofSeconds(7), "h3", null).withLabels(Map.of("team", "data", "mesos-operator.io/spark-run", "2"));
        TaskInfo task = factory.build(TaskFactory.newTaskId(pod), new OfferMatcher.Placement(pod, List.of()),
                AgentID.newBuilder().setValue("S4").build(), "node4", FrameworkID.newBuilder().setValue("fw").build(), null,
                List.of());
        assertThat(task.getLabels().getLabelsList()).extracting(l -> l.getKey() + "=" + l.getValue())
                .containsExactly(TaskFactory.RESOURCE_LABEL + "=Service/web", TaskFactory.INSTANCE_LABEL + "=3",
                        TaskFactory.CONFIG_LABEL + "=h3", "mesos-operator.io/spark-run=2", "team=data");
    }

    @Test
    void aStatefulCommandTaskKeepsItsReservedResourcesAndVolume() {
        PodSpec stateful = commandPod(0, "file:///srv/app.tgz", new PodSpec.Volume(64, "data"));
        ReservationRecord reservation = new ReservationRecord(WEB.toString(), 0, "S0", "mesos-operator", null,
                "volume-1", "data", 0.1, 32, 64, "2026-11-26T00:00:00Z");
        TaskInfo task = factory.build(TaskFactory.newTaskId(stateful), new OfferMatcher.Placement(stateful, List.of()),
                AgentID.newBuilder().setValue("S0").build(), "127.0.0.1", FrameworkID.newBuilder().setValue("fw").build(),
                reservation, List.of());
        assertThat(task.hasExecutor()).isFalse();
        assertThat(task.getCommand().getUrisList()).extracting(CommandInfo.URI::getValue).containsExactly("file:///srv/app.tgz");
        assertThat(task.getResourcesList()).containsExactly(
                ReservedResources.reserved("cpus", 0.1, reservation, "mesos-operator"),
                ReservedResources.reserved("mem", 32, reservation, "mesos-operator"),
                ReservedResources.volume(reservation, "mesos-operator"));
        assertThat(task.getResources(2).getDisk().getPersistence().getId()).isEqualTo("volume-1");
        assertThat(task.getResources(2).getDisk().getVolume().getContainerPath()).isEqualTo("data");
    }

    @Test
    void aPodWithConfigFilesStillRunsUnderOurExecutor() throws Exception {
        PodSpec pod = pod(0, "file:///srv/app.tgz", null);
        assertThat(TaskFactory.usesOperatorExecutor(pod)).isTrue();
        TaskInfo task = build(pod);
        assertThat(task.hasCommand()).isFalse(); // Mesos refuses a task with both
        // the command for our executor travels in data, with the files to render
        CommandInfo command = CommandInfo.parseFrom(task.getData());
        assertThat(command.getShell()).isTrue();
        assertThat(command.getValue()).isEqualTo("exec sleep 300");
        assertThat(variables(command)).containsKey("MESOS_OPERATOR_CONFIG_FILES");
        // the agent fetches the executor jar and the pod's artifacts with the executor
        assertThat(task.getExecutor().getCommand().getUrisList()).extracting(CommandInfo.URI::getValue)
                .containsExactly("file:///opt/executor.jar", "file:///srv/app.tgz");
        assertThat(task.getExecutor().getResourcesList()).extracting(r -> r.getName() + "=" + r.getScalar().getValue())
                .containsExactly("cpus=0.05", "mem=64.0");
        assertThat(scalar(task, "cpus")).isEqualTo(0.1);
    }

    @Test
    void aSparkApplicationRunsUnderOurExecutor() {
        PodSpec spark = new PodSpec(new ResourceKey("SparkJob", "wc"), 1, 1, 1408, 0, "exit 2",
                Map.of(ExecutorContract.RUNNER_ENV, ExecutorContract.SPARK_RUNNER, "MESOS_OPERATOR_SPARK", "{}"),
                List.of(new PodSpec.Artifact("file:///dists/spark.tgz", true, false, null)), List.of(), null,
                Duration.ofSeconds(10), "h", null);
        assertThat(TaskFactory.usesOperatorExecutor(spark)).isTrue();
        TaskInfo task = build(spark);
        assertThat(task.hasCommand()).isFalse();
        assertThat(task.getExecutor().getCommand().getUrisList()).extracting(CommandInfo.URI::getValue)
                .contains("file:///dists/spark.tgz");
        // another runner value, or none, is a plain process
        PodSpec plain = new PodSpec(spark.resource(), 1, 1, 1408, 0, "exit 2", Map.of(ExecutorContract.RUNNER_ENV, "process"),
                List.of(), List.of(), null, Duration.ofSeconds(10), "h", null);
        assertThat(TaskFactory.usesOperatorExecutor(plain)).isFalse();
        assertThat(build(plain).hasExecutor()).isFalse();
    }

    @Test
    void instancesOfAResourceShareOneExecutorWithTheVerySameExecutorInfo() {
        TaskInfo first = build(pod(0, "file:///srv/app.tgz", null));
        TaskInfo second = build(pod(1, "file:///srv/app.tgz", null));
        assertThat(first.getExecutor().getExecutorId().getValue()).matches("service\\.web\\.[0-9a-f]{12}");
        // Mesos launches a task onto a running executor only when the ExecutorInfos are equal
        assertThat(second.getExecutor()).isEqualTo(first.getExecutor());
        assertThat(first.getTaskId()).isNotEqualTo(second.getTaskId());
    }

    @Test
    void anotherArtifactMeansAnotherExecutor() {
        TaskInfo before = build(pod(0, "file:///srv/app-1.tgz", null));
        TaskInfo after = build(pod(0, "file:///srv/app-2.tgz", null));
        assertThat(after.getExecutor().getExecutorId()).isNotEqualTo(before.getExecutor().getExecutorId());
    }

    @Test
    void aTaskWithAVolumeHasAnExecutorOfItsOwn() {
        PodSpec stateful = pod(0, "file:///srv/app.tgz", new PodSpec.Volume(64, "data"));
        String taskId = TaskFactory.newTaskId(stateful);
        ReservationRecord reservation = new ReservationRecord(WEB.toString(), 0, "S0", "mesos-operator", null,
                "volume-1", "data", 0.1, 32, 64, "2026-11-26T00:00:00Z");
        TaskInfo task = factory.build(taskId, new OfferMatcher.Placement(stateful, List.of()),
                AgentID.newBuilder().setValue("S0").build(), "127.0.0.1", FrameworkID.newBuilder().setValue("fw").build(),
                reservation, List.of());
        assertThat(task.getExecutor().getExecutorId().getValue()).isEqualTo(taskId);
    }

    @Test
    void aPodThatAsksForAnExecutorOfItsOwnGetsOneThoughItHasNoVolume() {
        PodSpec p = pod(0, "file:///srv/app.tgz", null);
        PodSpec own = new PodSpec(p.resource(), p.instance(), p.cpus(), p.memMb(), p.diskMb(), p.command(), p.env(),
                p.uris(), p.portNames(), p.healthCheck(), p.killGracePeriod(), p.configHash(), p.volume(), p.files(),
                p.maxPerAgent(), p.group(), p.requiredAttributes(), true);
        String taskId = TaskFactory.newTaskId(own);
        TaskInfo task = factory.build(taskId, new OfferMatcher.Placement(own, List.of()),
                AgentID.newBuilder().setValue("S0").build(), "127.0.0.1", FrameworkID.newBuilder().setValue("fw").build(),
                null, List.of());
        // Mesos measures executors: this instance's CPU and memory are then its own
        assertThat(task.getExecutor().getExecutorId().getValue()).isEqualTo(taskId);
    }
}
