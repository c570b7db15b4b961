package io.mesosoperator.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The durations an agent passes its executor in the environment, as stout writes them. */
class ExecutorSettingsTest {
    static Map<String, String> agentEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("MESOS_AGENT_ENDPOINT", "127.0.0.1:5051");
        env.put("MESOS_FRAMEWORK_ID", "fw");
        env.put("MESOS_EXECUTOR_ID", "ex");
        env.put("MESOS_DIRECTORY", "/tmp/sandbox");
        return env;
    }

    @Test
    void mesosDefaultsWhenTheAgentSetsNone() {
        ExecutorSettings settings = ExecutorSettings.fromEnvironment(agentEnvironment());
        assertThat(settings.shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.recoveryTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(settings.subscriptionBackoffMax()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void durationsAsTheAgentWritesThem() {
        Map<String, String> env = agentEnvironment();
        env.put("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "8secs");
        env.put("MESOS_RECOVERY_TIMEOUT", "1.5hrs");
        env.put("MESOS_SUBSCRIPTION_BACKOFF_MAX", "500ms");
        ExecutorSettings settings = ExecutorSettings.fromEnvironment(env);
        assertThat(settings.shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(8));
        assertThat(settings.recoveryTimeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(settings.subscriptionBackoffMax()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aBadDurationNamesItsVariable() {
        Map<String, String> env = agentEnvironment();
        env.put("MESOS_RECOVERY_TIMEOUT", "soon");
        assertThatThrownBy(() -> ExecutorSettings.fromEnvironment(env))
                .hasMessage("MESOS_RECOVERY_TIMEOUT: 'soon' is not a duration like 30s, 5m, 1h30m, 250ms or 5secs");
    }
}
