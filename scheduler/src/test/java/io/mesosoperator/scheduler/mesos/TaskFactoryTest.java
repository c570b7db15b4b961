package io.mesosoperator.scheduler.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.reconcile.PodSpec;
import io.mesosoperator.scheduler.reconcile.ReservationRecord;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.junit.jupiter.api.Test;

/** Which executor runs a task: one per resource and agent for stateless instances, one per task with a volume. */
class TaskFactoryTest {
    static final ResourceKey WEB = new ResourceKey("Service", "web");
    final TaskFactory factory = new TaskFactory(
            new TaskFactory.ExecutorSettings("java", "file:///opt/mesos-operator-executor.jar", 0.01, 32), "mesos-operator");

    static PodSpec pod(int instance, String artifact, PodSpec.Volume volume) {
        return new PodSpec(WEB, instance, 0.1, 32, 0, "exec sleep 300", Map.of(),
                List.of(new PodSpec.Artifact(artifact, true, false, null)), List.of(), null, Duration.ofSeconds(3), "h1", volume);
    }

    TaskInfo build(PodSpec pod) {
        String taskId = TaskFactory.newTaskId(pod);
        return factory.build(taskId, new OfferMatcher.Placement(pod, List.of()), AgentID.newBuilder().setValue("S0").build(),
                "127.0.0.1", FrameworkID.newBuilder().setValue("fw").build(), null);
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
                reservation);
        assertThat(task.getExecutor().getExecutorId().getValue()).isEqualTo(taskId);
    }
}
