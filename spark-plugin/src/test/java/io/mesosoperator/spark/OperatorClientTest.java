package io.mesosoperator.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.spark.scheduler.ExecutorExited;
import org.apache.spark.scheduler.ExecutorProcessLost;
import org.junit.jupiter.api.Test;

/** The JSON of the executor API (docs/spark-executors.md): the operator's side must read and write exactly this. */
class OperatorClientTest {

    @Test
    void theWishCarriesTheLaunchAndTheTotalPerProfile() throws Exception {
        ExecutorLaunch launch = new ExecutorLaunch("app-1", "spark://CoarseGrainedScheduler@h:1", List.of("-Da=b"),
                "", "", Map.of("TZ", "UTC"));

        String json = OperatorClient.JSON.writeValueAsString(OperatorClient.wanted(launch, "http://h:4040",
                List.of(new ExecutorProfile(0, 2, 1, 512, 384))));

        assertThat(json).isEqualTo("{\"applicationId\":\"app-1\",\"driverUrl\":\"spark://CoarseGrainedScheduler@h:1\","
                + "\"javaOptions\":[\"-Da=b\"],\"extraClassPath\":\"\",\"extraLibraryPath\":\"\",\"env\":{\"TZ\":\"UTC\"},"
                + "\"uiUrl\":\"http://h:4040\",\"profiles\":[{\"id\":0,\"total\":2,\"cores\":1,\"memoryMiB\":512,\"memoryOverheadMiB\":384}]}");
    }

    @Test
    void reportsAreReadLeniently() throws Exception {
        List<ExecutorReport> reports = OperatorClient.reports(OperatorClient.JSON.readTree("""
                {"executors": [
                  {"id": "1", "profileId": 0, "state": "RUNNING", "host": "a1", "taskId": "t1", "cpus": 1},
                  {"id": "2", "profileId": 0, "state": "PENDING", "message": "no offer with 1 cpus and 896 MiB"},
                  {"id": "3", "profileId": 0, "state": "HIBERNATING"}
                ]}"""));

        assertThat(reports).containsExactly(
                new ExecutorReport("1", 0, ExecutorReport.State.RUNNING, "a1", "t1", null, null),
                new ExecutorReport("2", 0, ExecutorReport.State.PENDING, null, null, null,
                        "no offer with 1 cpus and 896 MiB"),
                new ExecutorReport("3", 0, null, null, null, null, null));
    }

    @Test
    void anExitedProcessCountsAgainstTheApplicationALostAgentDoesNot() {
        var failed = MesosOperatorSchedulerBackend.lossReason(new ExecutorReport("4", 0, ExecutorReport.State.FAILED,
                "a1", "t4", 137, "killed by signal 9"));
        var lost = MesosOperatorSchedulerBackend.lossReason(new ExecutorReport("5", 0, ExecutorReport.State.LOST,
                "a2", "t5", null, "agent a2 removed"));

        assertThat(failed).isInstanceOfSatisfying(ExecutorExited.class, e -> {
            assertThat(e.exitCode()).isEqualTo(137);
            assertThat(e.exitCausedByApp()).isTrue();
            assertThat(e.message()).isEqualTo("executor 4 failed on a1: killed by signal 9");
        });
        assertThat(lost).isInstanceOfSatisfying(ExecutorProcessLost.class,
                e -> assertThat(e.causedByApp()).isFalse());
    }
}
