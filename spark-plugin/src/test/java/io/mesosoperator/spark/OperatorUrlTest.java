package io.mesosoperator.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OperatorUrlTest {

    @Test
    void theRunPathBecomesTheHttpEndpointOfItsExecutors() {
        OperatorUrl url = OperatorUrl.parse("mesos-operator://10.0.0.5:8080/v1/resources/SparkJob/pi/runs/3");

        assertThat(url.executors()).hasToString("http://10.0.0.5:8080/v1/resources/SparkJob/pi/runs/3/executors");
        assertThat(url.killExecutors())
                .hasToString("http://10.0.0.5:8080/v1/resources/SparkJob/pi/runs/3/executors/kill");
    }

    @Test
    void theFormSparkSubmitAcceptsNamesTheSameEndpoint() {
        assertThat(OperatorUrl.parse("spark+mesos-operator://op.example:8080/v1/resources/SparkJob/pi/runs/3/")
                .executors()).hasToString("http://op.example:8080/v1/resources/SparkJob/pi/runs/3/executors");
    }

    @Test
    void onlyItsOwnSchemesAreAccepted() {
        assertThat(OperatorUrl.accepts("mesos-operator://h:1/r")).isTrue();
        assertThat(OperatorUrl.accepts("MESOS-OPERATOR://h:1/r")).isTrue();
        assertThat(OperatorUrl.accepts("spark+mesos-operator://h:1/r")).isTrue();
        assertThat(OperatorUrl.accepts("mesos-operator:/h")).isFalse();
        assertThat(OperatorUrl.accepts("mesos://h:5050")).isFalse();
        assertThat(OperatorUrl.accepts("spark://h:7077")).isFalse();
        assertThat(OperatorUrl.accepts("local[2]")).isFalse();
        assertThat(OperatorUrl.accepts(null)).isFalse();
    }

    @Test
    void aMalformedUrlIsRefusedWithWhatIsMissing() {
        assertThatThrownBy(() -> OperatorUrl.parse("mesos-operator://h/runs/1"))
                .hasMessageContaining("has no port");
        assertThatThrownBy(() -> OperatorUrl.parse("mesos-operator://h:8080"))
                .hasMessageContaining("has no path").hasMessageContaining("names the SparkJob run");
        assertThatThrownBy(() -> OperatorUrl.parse("mesos-operator://h:8080/runs/1?x=1"))
                .hasMessageContaining("query");
        assertThatThrownBy(() -> OperatorUrl.parse("mesos-operator://:8080/runs/1"))
                .hasMessageContaining("has no host");
    }
}
