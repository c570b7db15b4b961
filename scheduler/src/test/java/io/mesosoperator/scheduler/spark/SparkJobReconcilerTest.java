package io.mesosoperator.scheduler.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SparkJob kind's own parts: the pod of an attempt, its checks, and what it adds to the job status. */
class SparkJobReconcilerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static SparkJobSpec spec(String memory, String schedule, String restart) {
        return new SparkJobSpec("file:///apps/wc.jar", "io.x.WordCount", List.of("words.txt", "out"),
                List.of("file:///apps/words.txt"), Map.of("spark.sql.shuffle.partitions", "2"), null,
                new SparkJobSpec.Driver(2, memory, null), null, Map.of(), null, null, null,
                new SparkJobSpec.RestartPolicy(restart, 3, 5, 2, 300), schedule, "Allow", 1, 1);
    }

    static Resource resource(SparkJobSpec spec) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("kind", "SparkJob");
        doc.putObject("metadata").put("name", "wc").put("generation", 1);
        doc.set("spec", JSON.valueToTree(spec));
        return new Resource(doc);
    }

    @Test
    void anAttemptRunsTheSparkRunnerWithTheDistributionAndTheApplicationsFiles() throws Exception {
        PodSpec pod = SparkJobReconciler.pod(new ResourceKey("SparkJob", "wc"), 4, spec("1g", null, "Never"),
                "file:///dists/spark.tgz", "h");
        assertThat(pod.instance()).isEqualTo(4);
        assertThat(pod.cpus()).isEqualTo(2);
        assertThat(pod.memMb()).isEqualTo(1024 + 384);
        assertThat(pod.uris()).extracting(PodSpec.Artifact::value)
                .containsExactly("file:///dists/spark.tgz", "file:///apps/wc.jar", "file:///apps/words.txt");
        assertThat(pod.uris().get(0).extract()).isTrue();
        assertThat(pod.env()).containsEntry("MESOS_OPERATOR_RUNNER", "spark");
        assertThat(io.mesosoperator.scheduler.placement.TaskFactory.usesOperatorExecutor(pod)).as("our executor's Spark runner")
                .isTrue();
        JsonNode settings = JSON.readTree(pod.env().get("MESOS_OPERATOR_SPARK"));
        assertThat(settings.path("master").asText()).isEqualTo("local[2]");
        assertThat(settings.path("driverMemory").asText()).isEqualTo("1024m");
        assertThat(settings.path("appName").asText()).isEqualTo("wc-4");
        assertThat(settings.path("args").toString()).isEqualTo("[\"words.txt\",\"out\"]");
        assertThat(settings.path("conf").path("spark.sql.shuffle.partitions").asText()).isEqualTo("2");
    }

    /** The conf an attempt's driver gets for this sparkConf. */
    private static JsonNode conf(Map<String, String> sparkConf) throws Exception {
        SparkJobSpec base = spec("1g", null, "Never");
        SparkJobSpec spec = new SparkJobSpec(base.mainApplicationFile(), base.mainClass(), base.arguments(), base.files(),
                sparkConf, null, base.driver(), new SparkJobSpec.Executor(1, 1, "512m", null), Map.of(), null, null,
                null, base.restartPolicy(), null, "Allow", 1, 1);
        PodSpec pod = SparkJobReconciler.pod(new ResourceKey("SparkJob", "wc"), 0, spec, "file:///dists/spark.tgz", "h",
                new SparkJobReconciler.ExecutorMode("spark+mesos-operator://127.0.0.1:8080/v1/x", "file:///plugin.jar", null));
        return JSON.readTree(pod.env().get("MESOS_OPERATOR_SPARK")).path("conf");
    }

    @Test
    void dynamicAllocationGetsShuffleTrackingUnlessTheSpecSaysOrHasAShuffleService() throws Exception {
        String tracking = "spark.dynamicAllocation.shuffleTracking.enabled";
        assertThat(conf(Map.of("spark.dynamicAllocation.enabled", "true")).path(tracking).asText()).isEqualTo("true");
        assertThat(conf(Map.of("spark.dynamicAllocation.enabled", "true", tracking, "false")).path(tracking).asText())
                .as("the spec's own value stands").isEqualTo("false");
        assertThat(conf(Map.of("spark.dynamicAllocation.enabled", "true", "spark.shuffle.service.enabled", "true")).has(tracking))
                .as("an external shuffle service keeps shuffle files").isFalse();
        assertThat(conf(Map.of("spark.dynamicAllocation.enabled", "false")).has(tracking)).isFalse();
        assertThat(conf(Map.of()).has(tracking)).isFalse();
    }

    @Test
    void theDriversJvmAndQueryMetricsAreOnUnlessTheSpecSetsThem() throws Exception {
        JsonNode defaults = conf(Map.of());
        assertThat(defaults.path(SparkJobReconciler.JVM_SOURCE).asText()).isEqualTo("org.apache.spark.metrics.source.JvmSource");
        assertThat(defaults.path(SparkJobReconciler.QUERY_METRICS).asText()).isEqualTo("true");
        JsonNode own = conf(Map.of(SparkJobReconciler.QUERY_METRICS, "false", SparkJobReconciler.JVM_SOURCE, "x.MySource"));
        assertThat(own.path(SparkJobReconciler.QUERY_METRICS).asText()).as("the spec's own value stands").isEqualTo("false");
        assertThat(own.path(SparkJobReconciler.JVM_SOURCE).asText()).isEqualTo("x.MySource");
    }

    @Test
    void checksMemoryScheduleAndRestartPolicy() {
        SparkJobReconciler kind = new SparkJobReconciler("file:///dists/spark.tgz");
        assertThat(kind.check(resource(spec("512m", null, "OnFailure")), "*")).isEmpty();
        assertThat(kind.check(resource(spec("384m", "bad cron", "Always")), "*")).extracting(FieldError::path)
                .containsExactlyInAnyOrder("spec.driver.memory", "spec.schedule", "spec.restartPolicy.type");
        assertThat(new SparkJobReconciler(null).check(resource(spec("1g", null, "Never")), "*"))
                .extracting(FieldError::path).containsExactly("spec.distribution");
    }

    private static SparkJobSpec withVersion(String sparkVersion, String distribution) {
        SparkJobSpec b = spec("1g", null, "Never");
        return new SparkJobSpec(b.mainApplicationFile(), b.mainClass(), b.arguments(), b.files(), b.sparkConf(),
                b.master(), b.driver(), b.executor(), b.env(), distribution, sparkVersion, null, b.restartPolicy(),
                b.schedule(), b.concurrencyPolicy(), 1, 1);
    }

    @Test
    void sparkVersionMustNameADistributionTheOperatorHasAndNotComeWithItsOwn() {
        SparkJobReconciler kind = new SparkJobReconciler(new SparkDistributions("file:///d/spark-3.5.7.tgz",
                Map.of("3.5.7", "file:///d/spark-3.5.7.tgz", "4.1.1", "file:///d/spark-4.1.1.tgz")), null, () -> null, key -> null);
        assertThat(kind.check(resource(withVersion("4", null)), "*")).isEmpty();
        assertThat(kind.check(resource(withVersion("3.4", null)), "*")).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("spec.sparkVersion");
            assertThat(e.message()).contains("no Spark 3.4 distribution").contains("3.5.7, 4.1.1");
        });
        assertThat(kind.check(resource(withVersion("4", "file:///mine.tgz")), "*")).extracting(FieldError::path)
                .containsExactly("spec.sparkVersion");
    }

    @Test
    void aSparkVersionTheOperatorNoLongerHasWaitsAndSaysWhyInsteadOfLaunching() throws Exception {
        // applied while the operator offered Spark 4; its configuration offers only 3.5.7 now
        SparkJobReconciler kind = new SparkJobReconciler(new SparkDistributions("file:///d/spark-3.5.7.tgz",
                Map.of("3.5.7", "file:///d/spark-3.5.7.tgz")), null, () -> null, key -> null);
        io.mesosoperator.scheduler.kind.ReconcileResult result = kind.reconcile(resource(withVersion("4", null)),
                new io.mesosoperator.scheduler.kind.Reconciler.Observed(List.of(), null, java.util.Set.of()),
                java.time.Instant.parse("2026-12-06T10:00:00Z"));
        assertThat(result.launches()).isEmpty();
        assertThat(JSON.writeValueAsString(result.status()))
                .contains("waits for a Spark 4 distribution, which the operator no longer has (3.5.7");
    }

    @Test
    void runsShowTheApplicationIdAndTheDriverLog() throws Exception {
        JsonNode workload = JSON.readTree("""
                {"runs": [{"run": 0, "message": "Spark application local-1764 FINISHED (spark-submit exit code 0); driver log: driver.log",
                           "sandbox": "/s/0"},
                          {"run": 1, "message": "Spark application - FAILED (spark-submit exit code 1); driver log: driver.log"}]}""");
        JsonNode out = SparkJobReconciler.withSparkDetails(workload);
        assertThat(out.path("runs").get(0).path("applicationId").asText()).isEqualTo("local-1764");
        assertThat(out.path("runs").get(0).path("driverLog").asText()).isEqualTo("/s/0/driver.log");
        assertThat(out.path("runs").get(1).has("applicationId")).isFalse();
        assertThat(out.path("applicationId").asText()).isEqualTo("local-1764");
        assertThat(SparkJobReconciler.memoryMb("2g")).isEqualTo(2048);
        assertThat(SparkJobReconciler.memoryMb("700")).isEqualTo(700);
    }
}
