package io.mesosoperator.scheduler.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesosoperator.scheduler.mesos.AgentStatistics.ExecutorUsage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpAgentStatisticsTest {
    /**
     * Shaped as a Mesos 1.12 agent answers with the posix isolators: the documented example entry
     * (every cgroups field), and a command executor's with only what posix/cpu and posix/mem measure.
     */
    static final String AGENT_ANSWER = """
            [{"executor_id":"executor","executor_name":"name","framework_id":"framework","source":"source",
              "statistics":{"cpus_limit":8.25,"cpus_nr_periods":769021,"cpus_nr_throttled":1046,
                "cpus_system_time_secs":34501.45,"cpus_throttled_time_secs":352.597023453,
                "cpus_user_time_secs":96348.84,"mem_anon_bytes":4845449216,"mem_file_bytes":260165632,
                "mem_limit_bytes":7650410496,"mem_mapped_file_bytes":7159808,"mem_rss_bytes":5105614848,
                "timestamp":1388534400.0}},
             {"executor_id":"service.web.0.6f1d2c3a","executor_name":"Command Executor (Task: service.web.0.6f1d2c3a) (Command: sh -c 'exec python...')",
              "framework_id":"1c7a1f2e-5b9d-4c1e-9a57-3f0e7d2b8a10-0000","source":"service.web.0.6f1d2c3a",
              "statistics":{"cpus_limit":0.2,"cpus_system_time_secs":0.03,"cpus_user_time_secs":0.12,
                "mem_limit_bytes":100663296,"mem_rss_bytes":11419648,"timestamp":1796542212.53261}}]
            """;

    @Test
    void parsesEveryExecutorOfTheAgentsAnswer() throws IOException {
        List<ExecutorUsage> usages = HttpAgentStatistics.parse(AGENT_ANSWER);
        assertThat(usages).containsExactly(
                new ExecutorUsage("framework", "executor", 96348.84, 34501.45, 5105614848L, 7650410496L, 1388534400.0),
                new ExecutorUsage("1c7a1f2e-5b9d-4c1e-9a57-3f0e7d2b8a10-0000", "service.web.0.6f1d2c3a", 0.12, 0.03,
                        11419648L, 100663296L, 1796542212.53261));
        assertThat(usages.get(1).cpuSeconds()).isEqualTo(0.15);
    }

    @Test
    void anEmptyAgentAnswersAnEmptyArray() throws IOException {
        assertThat(HttpAgentStatistics.parse("[]")).isEmpty();
    }

    @Test
    void missingFieldsCountAsZeroAndEntriesWithoutIdsAreSkipped() throws IOException {
        assertThat(HttpAgentStatistics.parse("""
                [{"executor_id":"e","framework_id":"f","statistics":{"timestamp":1.5}}, {"statistics":{}}]"""))
                .containsExactly(new ExecutorUsage("f", "e", 0, 0, 0, 0, 1.5));
    }

    @Test
    void somethingElseThanAnArrayIsAnError() {
        assertThatThrownBy(() -> HttpAgentStatistics.parse("{\"error\":\"x\"}"))
                .isInstanceOf(IOException.class).hasMessageContaining("must answer a JSON array, got OBJECT");
    }
}
