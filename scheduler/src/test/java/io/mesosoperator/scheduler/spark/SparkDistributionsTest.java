package io.mesosoperator.scheduler.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a spec's sparkVersion picks among the operator's Spark distributions. */
class SparkDistributionsTest {
    private final SparkDistributions distributions = new SparkDistributions("file:///d/spark-3.5.7.tgz", Map.of(
            "3.5.7", "file:///d/spark-3.5.7.tgz",
            "4.0.1", "file:///d/spark-4.0.1.tgz",
            "4.1.1", "file:///d/spark-4.1.1.tgz"));

    @Test
    void aMajorVersionPicksTheNewestOfIt() {
        assertThat(distributions.forVersion("4")).hasValue("file:///d/spark-4.1.1.tgz");
        assertThat(distributions.forVersion("3")).hasValue("file:///d/spark-3.5.7.tgz");
    }

    @Test
    void aPrefixMatchesWholeComponentsOnly() {
        assertThat(distributions.forVersion("4.0")).hasValue("file:///d/spark-4.0.1.tgz");
        assertThat(distributions.forVersion("4.1.1")).hasValue("file:///d/spark-4.1.1.tgz");
        // "4.1" must not match a 4.10, nor "3.5.7" a 3.5.70: components compare as numbers
        assertThat(distributions.forVersion("4.10")).isEmpty();
        assertThat(distributions.forVersion("3.5.70")).isEmpty();
        assertThat(distributions.forVersion("3.5.7.1")).isEmpty();
    }

    @Test
    void aVersionTheOperatorDoesNotHaveIsEmpty() {
        assertThat(distributions.forVersion("2")).isEmpty();
        assertThat(SparkDistributions.only("file:///d/spark.tgz").forVersion("4")).isEmpty();
    }

    @Test
    void versionsAreListedOldestFirstForErrorMessages() {
        assertThat(distributions.versions()).containsExactly("3.5.7", "4.0.1", "4.1.1");
    }

    @Test
    void aConfiguredKeyThatIsNoVersionIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new SparkDistributions(null, Map.of("latest", "file:///x.tgz")))
                .hasMessageContaining("workloads.sparkDistributions").hasMessageContaining("'latest'");
    }
}
