package io.mesosoperator.scheduler.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.mesos.ExecutorContract;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.Test;

/**
 * Where the logs API finds a task's files: the path our executor labels its updates with, or, for
 * a command task run by Mesos' command executor (no label), the agent's virtual path of the
 * executor's latest run; updates that tell of neither keep what is recorded.
 */
class TaskSandboxTest {
    static final String FRAMEWORK = "70efc1d6-0000";
    static final String TASK = "web-0.6f1c";

    static TaskStatus.Builder update(TaskState state) {
        return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(TASK)).setState(state)
                .setAgentId(AgentID.newBuilder().setValue("S0"));
    }

    /** An update as Mesos' command executor sends it: its executor id is the task id, no labels. */
    static TaskStatus fromCommandExecutor(TaskState state) {
        return update(state).setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                .setExecutorId(ExecutorID.newBuilder().setValue(TASK)).build();
    }

    /** What the Operator records from a sequence of updates, starting from a fresh launch. */
    static TaskRecord apply(TaskStatus... updates) {
        TaskRecord record = TaskRecord.staging(TASK, new ResourceKey("Service", "web"), 0, "h", "S0",
                "http://127.0.0.1:5051", "127.0.0.1", Map.of(), null, "2026-11-26T00:00:00Z");
        for (TaskStatus status : updates) {
            record = record.withUpdate(status.getState().name(), null, null, null,
                    MesosEvents.sandbox(status, FRAMEWORK, record.sandbox()), status.getAgentId().getValue(),
                    "2026-11-26T00:00:01Z");
        }
        return record;
    }

    @Test
    void aCommandTasksSandboxIsItsExecutorsLatestRunOnTheAgent() {
        TaskRecord record = apply(fromCommandExecutor(TaskState.TASK_STARTING), fromCommandExecutor(TaskState.TASK_RUNNING));
        assertThat(record.sandbox()).isEqualTo("/frameworks/70efc1d6-0000/executors/web-0.6f1c/runs/latest");
    }

    @Test
    void reconciliationUpdatesKeepTheRecordedSandbox() {
        // the master's answers name no executor (and carry no labels)
        TaskStatus reconciled = update(TaskState.TASK_RUNNING).setSource(TaskStatus.Source.SOURCE_MASTER)
                .setReason(TaskStatus.Reason.REASON_RECONCILIATION).build();
        assertThat(MesosEvents.sandbox(reconciled, FRAMEWORK, null)).isNull();
        assertThat(apply(fromCommandExecutor(TaskState.TASK_RUNNING), reconciled).sandbox())
                .isEqualTo("/frameworks/70efc1d6-0000/executors/web-0.6f1c/runs/latest");
        assertThat(apply(reconciled).sandbox()).isNull(); // nothing known yet, nothing made up
    }

    @Test
    void ourExecutorsLabelWinsAndAnAgentUpdateAboutItsExecutorDoesNotReplaceIt() {
        String taskDir = "/var/lib/mesos/slaves/S0/frameworks/70efc1d6-0000/executors/service.web.3fa2c1d09b7e/runs/c1/tasks/"
                + TASK;
        TaskStatus running = update(TaskState.TASK_RUNNING).setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                .setExecutorId(ExecutorID.newBuilder().setValue("service.web.3fa2c1d09b7e"))
                .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey(ExecutorContract.SANDBOX_LABEL).setValue(taskDir)))
                .build();
        assertThat(MesosEvents.sandbox(running, FRAMEWORK, null)).isEqualTo(taskDir);
        // the shared executor died: the agent's update names the executor, whose run directory is not the task's
        TaskStatus executorGone = update(TaskState.TASK_FAILED).setSource(TaskStatus.Source.SOURCE_AGENT)
                .setReason(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED)
                .setExecutorId(ExecutorID.newBuilder().setValue("service.web.3fa2c1d09b7e")).build();
        assertThat(apply(running, executorGone).sandbox()).isEqualTo(taskDir);
    }

    @Test
    void aTaskThatNeverRanHasItsExecutorsRunAsSandbox() {
        // e.g. the agent failed to fetch a URI: its update names the executor, whose stderr tells why
        TaskStatus failed = update(TaskState.TASK_FAILED).setSource(TaskStatus.Source.SOURCE_AGENT)
                .setReason(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED)
                .setExecutorId(ExecutorID.newBuilder().setValue(TASK)).build();
        assertThat(apply(failed).sandbox()).isEqualTo("/frameworks/70efc1d6-0000/executors/web-0.6f1c/runs/latest");
    }
}
