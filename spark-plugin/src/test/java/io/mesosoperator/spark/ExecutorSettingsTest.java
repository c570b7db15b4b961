package io.mesosoperator.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.SparkConf;
import org.apache.spark.resource.ExecutorResourceRequests;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.junit.jupiter.api.Test;

/** What the driver tells the operator to launch, from its SparkConf and resource profiles. */
class ExecutorSettingsTest {

    @Test
    void aProfileGetsSparksDefaultOverheadWhenNoneIsSet() {
        ResourceProfile profile = new ResourceProfileBuilder()
                .require(new ExecutorResourceRequests().cores(2).memory("4g")).build();

        ExecutorProfile p = ExecutorProfile.of(profile, 3, new SparkConf(false));

        assertThat(p).isEqualTo(new ExecutorProfile(profile.id(), 3, 2, 4096, 409));
        assertThat(ExecutorProfile.of(new ResourceProfileBuilder()
                .require(new ExecutorResourceRequests().cores(1).memory("1g")).build(), 1, new SparkConf(false))
                .memoryOverheadMiB()).as("the minimum").isEqualTo(384);
    }

    @Test
    void anExplicitOverheadAndOffHeapMemoryAreWhatTheTaskAddsToTheHeap() {
        ResourceProfile profile = new ResourceProfileBuilder().require(new ExecutorResourceRequests()
                .cores(1).memory("1g").memoryOverhead("500m").offHeapMemory("256m")).build();

        assertThat(ExecutorProfile.of(profile, 1, new SparkConf(false)).memoryOverheadMiB()).isEqualTo(756);
    }

    @Test
    void whatAProfileDoesNotSayComesFromTheConf() {
        ResourceProfile profile = new ResourceProfileBuilder()
                .require(new ExecutorResourceRequests().resource("gpu", 1, "", "")).build();
        SparkConf conf = new SparkConf(false).set("spark.executor.cores", "3").set("spark.executor.memory", "2g");

        ExecutorProfile p = ExecutorProfile.of(profile, 2, conf);

        assertThat(p.cores()).isEqualTo(3);
        assertThat(p.memoryMiB()).isEqualTo(2048);
    }

    @Test
    void theLaunchCarriesSparksModuleOptionsStartupSettingsAndTheUsersJavaOptions() {
        SparkConf conf = new SparkConf(false)
                .set("spark.driver.port", "40123")
                .set("spark.rpc.askTimeout", "30s")
                .set("spark.app.name", "not for the command line")
                .set("spark.authenticate.secret", "never on a command line")
                .set("spark.executor.extraJavaOptions", "-Dlog.id={{APP_ID}}-{{EXECUTOR_ID}} -Da='b c'")
                .set("spark.executor.extraClassPath", "/opt/extra.jar")
                .set("spark.executorEnv.TZ", "UTC");

        ExecutorLaunch launch = ExecutorLaunch.of(conf, "app-1", "spark://CoarseGrainedScheduler@10.0.0.5:40123");

        assertThat(launch.javaOptions()).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "-Dspark.driver.port=40123", "-Dspark.rpc.askTimeout=30s", "-Dlog.id=app-1-{{EXECUTOR_ID}}",
                "-Da=b c");
        assertThat(launch.javaOptions()).noneMatch(o -> o.contains("spark.app.name") || o.contains("secret"));
        assertThat(launch.extraClassPath()).isEqualTo("/opt/extra.jar");
        assertThat(launch.env()).containsEntry("TZ", "UTC");
    }
}
