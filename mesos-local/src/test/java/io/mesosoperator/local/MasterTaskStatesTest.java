package io.mesosoperator.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.local.MasterState.TaskEntry;
import java.time.Duration;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.Test;

/**
 * A task's state in the master as Mesos' own keeps it (Master::updateTask): once ended it stays
 * ended, whatever an executor sends after, and a status of the same state as the last replaces it
 * in the task's history ({@code statuses} in /state).
 */
class MasterTaskStatesTest {
    private final MasterState state = new MasterState();
    private final MasterAgents agents = new MasterAgents("m1", state, Duration.ofSeconds(75));
    private final TaskEntry task = new TaskEntry("f1", TaskInfo.newBuilder().setName("web-0")
            .setTaskId(TaskID.newBuilder().setValue("web-0.1")).setAgentId(AgentID.newBuilder().setValue("m1-S0")).build(),
            "m1-S0", Resources.from(List.of()));

    MasterTaskStatesTest() {
        state.tasks.put(MasterState.taskKey("f1", "web-0.1"), task);
    }

    private void update(TaskState state, double timestamp) {
        agents.statusUpdate("f1", TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("web-0.1"))
                .setState(state).setTimestamp(timestamp).build(), state);
    }

    @Test
    void anEndedTaskStaysEndedWhenAnUpdateComesAfterItsEnd() {
        update(TaskState.TASK_RUNNING, 1);
        update(TaskState.TASK_KILLING, 2);
        update(TaskState.TASK_KILLED, 3);
        update(TaskState.TASK_KILLING, 4); // a kill that crossed the task's end

        assertThat(task.state).isEqualTo(TaskState.TASK_KILLED);
        assertThat(task.lastStatus.getState()).isEqualTo(TaskState.TASK_KILLED);
        assertThat(task.statuses).extracting(TaskStatus::getState)
                .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_KILLING, TaskState.TASK_KILLED, TaskState.TASK_KILLING);
    }

    @Test
    void aStatusOfTheSameStateReplacesTheLastInTheHistory() {
        update(TaskState.TASK_STARTING, 1);
        update(TaskState.TASK_RUNNING, 2);
        update(TaskState.TASK_RUNNING, 3); // its health check passed

        assertThat(task.statuses).extracting(TaskStatus::getState)
                .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
        assertThat(task.statuses.get(1).getTimestamp()).isEqualTo(3);
    }
}
