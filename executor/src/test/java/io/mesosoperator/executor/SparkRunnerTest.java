package io.mesosoperator.executor;

import io.mesosoperator.mesos.ExecutorContract;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.spark.launcher.SparkAppHandle.State;
import org.junit.jupiter.api.Test;

/** How the Spark runner reads the task and decides how an application ended. */
class SparkRunnerTest {
    @Test
    void aDriverThatThrowsFailsEvenIfItSaidFinishedFirst() {
        // SparkContext.stop reports FINISHED; only the exit code tells the truth
        assertThat(SparkRunner.outcome(false, 1, State.FINISHED)).isEqualTo(TaskState.TASK_FAILED);
        assertThat(SparkRunner.outcome(false, 1, State.FAILED)).isEqualTo(TaskState.TASK_FAILED);
        assertThat(SparkRunner.outcome(false, 0, State.FINISHED)).isEqualTo(TaskState.TASK_FINISHED);
        // a main that never started a SparkContext but exited 0 succeeded
        assertThat(SparkRunner.outcome(false, 0, State.LOST)).isEqualTo(TaskState.TASK_FINISHED);
        assertThat(SparkRunner.outcome(false, 0, State.KILLED)).isEqualTo(TaskState.TASK_FAILED);
        assertThat(SparkRunner.outcome(false, null, State.FINISHED)).isEqualTo(TaskState.TASK_FINISHED);
        assertThat(SparkRunner.outcome(false, null, State.LOST)).isEqualTo(TaskState.TASK_FAILED);
        assertThat(SparkRunner.outcome(true, 0, State.FINISHED)).isEqualTo(TaskState.TASK_KILLED);
    }

    @Test
    void theMessageCarriesTheApplicationIdForTheOperator() {
        assertThat(SparkRunner.message("local-17", "RUNNING", null))
                .isEqualTo("Spark application local-17 RUNNING; driver log: driver.log");
        assertThat(SparkRunner.message(null, "FAILED", 1))
                .isEqualTo("Spark application - FAILED (spark-submit exit code 1); driver log: driver.log");
    }

    @Test
    void onlyTasksThatAskForItUseTheSparkRunner() {
        assertThat(SparkRunner.wanted(task("spark"))).isTrue();
        assertThat(SparkRunner.wanted(task(null))).isFalse();
        assertThat(SparkRunner.javaHome("/opt/jdk/bin/java")).isEqualTo("/opt/jdk");
    }

    private static TaskInfo task(String runner) {
        Environment.Builder env = Environment.newBuilder();
        if (runner != null) {
            env.addVariables(Environment.Variable.newBuilder().setName(ExecutorContract.RUNNER_ENV).setValue(runner));
        }
        CommandInfo command = CommandInfo.newBuilder().setShell(true).setValue("true").setEnvironment(env).build();
        return TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t-1"))
                .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue("a"))
                .setData(ByteString.copyFrom(command.toByteArray())).build();
    }
}
