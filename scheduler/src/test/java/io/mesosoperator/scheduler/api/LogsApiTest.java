package io.mesosoperator.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which sandbox files `logs` may read: logs only, inside the sandbox. */
class LogsApiTest {
    @Test
    void readsLogsInsideTheSandboxOnly() {
        assertThat(LogsApi.logFile("stdout")).isEqualTo("stdout");
        assertThat(LogsApi.logFile("stderr")).isEqualTo("stderr");
        assertThat(LogsApi.logFile("driver.log")).isEqualTo("driver.log");
        assertThat(LogsApi.logFile("./logs/system.log")).isEqualTo("logs/system.log");
        assertThat(LogsApi.logFile("kafka/logs/server.out")).isEqualTo("kafka/logs/server.out");
        // secrets and configuration the operator renders are not logs
        assertThat(LogsApi.logFile("jmxremote.password")).isNull();
        assertThat(LogsApi.logFile("server.properties")).isNull();
        assertThat(LogsApi.logFile("data/stdout")).isNull();
        // nothing outside the sandbox, however written
        assertThat(LogsApi.logFile("../stdout")).isNull();
        assertThat(LogsApi.logFile("logs/../../x.log")).isNull();
        assertThat(LogsApi.logFile("/var/log/syslog.log")).isNull();
        assertThat(LogsApi.logFile("")).isNull();
        assertThat(LogsApi.logFile("a\0.log")).isNull();
    }
}
