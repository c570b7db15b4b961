package io.mesosoperator.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The distributions' file names come from the parent POM's versions, written into the jar by the build. */
class DistributionsPropertiesTest {
    @Test
    void theBuildNamesEveryDistributionWithItsVersion() throws Exception {
        Properties names = new Properties();
        try (InputStream in = OperatorApplication.class.getResourceAsStream("/distributions.properties")) {
            names.load(in);
        }
        assertThat(names.getProperty("kafka")).matches("kafka-\\d+\\.\\d+\\.\\d+\\.tgz");
        assertThat(names.getProperty("cassandra")).matches("cassandra-\\d+\\.\\d+\\.\\d+\\.tgz");
        assertThat(names.getProperty("spark")).matches("spark-\\d+\\.\\d+\\.\\d+\\.tgz");
        assertThat(names.getProperty("spark4")).matches("spark-4\\.\\d+\\.\\d+\\.tgz");
        // the versions specs choose by are the ones in the names
        assertThat(names.getProperty("spark")).isEqualTo("spark-" + names.getProperty("spark.version") + ".tgz");
        assertThat(names.getProperty("spark4")).isEqualTo("spark-" + names.getProperty("spark4.version") + ".tgz");
    }
}
