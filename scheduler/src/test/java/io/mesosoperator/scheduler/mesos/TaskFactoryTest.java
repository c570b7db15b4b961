package io.mesosoperator.scheduler.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.reconcile.PodSpec;
import io.mesosoperator.scheduler.reconcile.ReservationRecord;
import io.mesosoperator.scheduler.spec.ResourceKey;
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

/** What a task finds in its environment about where it was placed, and which executor runs it. */
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
        Map<String, String> env = new LinkedHashMap<>();
        for (Environment.Variable v : CommandInfo.parseFrom(task.getData()).getEnvironment().getVariablesList()) {
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
        assertThat(TaskFactory.attributeVariable("fault-domain.zone")).isEqualTo("MESOS_OPERATOR_ATTRIBUTE_FAULT_DOMAIN_ZONE");
    }

    @Test
    void anAgentWithoutAttributesExportsNone() throws Exception {
        assertThat(environment(List.of()).keySet()).noneMatch(k -> k.startsWith(TaskFactory.ATTRIBUTE_PREFIX));
    }

    static final ResourceKey WEB = new ResourceKey("Service", "web");

    static PodSpec pod(int instance, String artifact, PodSpec.Volume volume) {
        return new PodSpec(WEB, instance, 0.1, 32, 0, "exec sleep 300", Map.of(),
                List.of(new PodSpec.Artifact(artifact, true, false, null)), List.of(), null, Duration.ofSeconds(3), "h1", volume);
    }

    TaskInfo build(PodSpec pod) {
        String taskId = TaskFactory.newTaskId(pod);
        return factory.build(taskId, new OfferMatcher.Placement(pod, List.of()), AgentID.newBuilder().setValue("S0").build(),
                "127.0.0.1", FrameworkID.newBuilder().setValue("fw").build(), null, List.of());
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
}
