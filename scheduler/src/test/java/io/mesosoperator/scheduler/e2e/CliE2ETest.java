package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The kubectl-like CLI against a running operator, with the sample spec exactly as shipped. */
class CliE2ETest extends EmbeddedOperatorTest {
    static final Path SAMPLE = Path.of("..", "sample-specs", "service.yaml");


    @Override
    EmbeddedOperator.Options options() {
        // the master at its http:// URL, and the JSON content type, so both paths stay exercised
        return EmbeddedOperator.Options.defaults().masterUrl(EmbeddedOperator.MasterUrl.HTTP, "json");
    }

    EmbeddedOperator.Run cli(String... args) {
        return env.cli(args);
    }

    @Test
    void sampleServiceThroughTheCli() throws Exception {
        EmbeddedOperator.Run apply = cli("apply", "-f", SAMPLE.toString());
        assertThat(apply.code()).isZero();
        assertThat(apply.out()).contains("service/hello created (generation 1)");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(cli("get").out()).containsPattern("Service\\s+hello\\s+3/3\\s+Running\\s+1\\s"));
        assertThat(cli("get", "service", "hello", "-o", "yaml").out()).contains("readyReplicas: 3", "GREETING: hello from mesos-operator");
        assertThat(cli("get", "tasks").out()).containsPattern("hello-0\\.\\S+\\s+Service/hello\\s+0\\s+TASK_RUNNING\\s+true");
        // an instance's output, read from its sandbox through the agent's files API
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(cli("logs", "service", "hello", "1").out()).contains("hello from mesos-operator (hello-1."));
        EmbeddedOperator.Run describe = cli("describe", "Service", "hello");
        assertThat(describe.out()).contains("Phase:        Running", "Ready:        3/3", "Ready         True",
                "Labels:       team=data", "Events:", "Launching");

        assertThat(cli("plan", "service", "hello").out()).contains("Plan deploy (COMPLETE)")
                .containsPattern("hello-2\\s+COMPLETE");
        // an instance that cannot fit anywhere says why it waits: a Service's command task needs its
        // own 100 cpus, no executor's share on top
        Path greedy = work.resolve("greedy.yaml");
        Files.writeString(greedy, Specs.service("greedy", 1, "sleep 600", "cpus: 100"));
        assertThat(cli("apply", "-f", greedy.toString()).code()).isZero();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(cli("plan", "service", "greedy").out())
                .contains("Plan deploy (WAITING)")
                .containsPattern("greedy-0\\s+WAITING\\s+waiting for resources\\s+no offer fits: of 3 agent\\(s\\) offered, "
                        + "3 short of cpus \\(needs 100.0\\)"));
        assertThat(cli("delete", "service", "greedy").code()).isZero();

        // a log the workload writes in its sandbox, and nothing outside it
        Path writer = work.resolve("writer.yaml");
        Files.writeString(writer, Specs.service("writer", 1, "echo written to app.log > app.log && exec sleep 600"));
        assertThat(cli("apply", "-f", writer.toString()).code()).isZero();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(cli("logs", "service", "writer", "--file", "app.log").out()).contains("written to app.log"));
        EmbeddedOperator.Run outside = cli("logs", "service", "writer", "--file", "../../../../etc/passwd");
        assertThat(outside.code()).isEqualTo(1);
        assertThat(outside.err()).contains("file must be stdout, stderr or a log inside the sandbox (*.log, or under a logs"
                + " directory), got '../../../../etc/passwd'");
        // nor what the operator rendered for the task (a JMX password file, say): logs only
        assertThat(cli("logs", "service", "writer", "--file", "jmxremote.password").code()).isEqualTo(1);
        EmbeddedOperator.Run absent = cli("logs", "service", "writer", "--file", "nothing-here.log");
        assertThat(absent.code()).isEqualTo(1);
        assertThat(absent.err()).contains("has no nothing-here.log in its sandbox");
        assertThat(cli("logs", "service", "writer", "--stderr", "--file", "app.log").code()).isEqualTo(2);
        assertThat(cli("delete", "service", "writer").code()).isZero();

        // a bad edit names the file, line, column and field, and leaves the service as it was
        Path bad = work.resolve("hello-bad.yaml");
        Files.writeString(bad, Files.readString(SAMPLE).replace("instances: 3", "instances: -1"));
        EmbeddedOperator.Run refused = cli("apply", "-f", bad.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains(bad + ":13:14: spec.instances: must be >= 0");
        assertThat(cli("get", "service", "hello").out()).containsPattern("hello\\s+3/3\\s+Running\\s+1\\s");

        // edit the file to scale
        Path scaled = work.resolve("hello.yaml");
        Files.writeString(scaled, Files.readString(SAMPLE).replace("instances: 3", "instances: 2"));
        assertThat(cli("apply", "-f", scaled.toString()).out()).contains("service/hello scaled (generation 2)");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(cli("get").out()).containsPattern("hello\\s+2/2\\s+Running\\s+2\\s"));

        // history and rollback: generation 3 brings back generation 1's three instances
        assertThat(cli("history", "service", "hello").out()).containsPattern("1\\s+\\S+ ago\\s+created")
                .containsPattern("2\\s+\\S+ ago\\s+scaled");
        EmbeddedOperator.Run rollback = cli("rollback", "service", "hello");
        assertThat(rollback.out()).contains("service/hello rolled back to generation 1 (scaled, now generation 3)");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(cli("get").out()).containsPattern("hello\\s+3/3\\s+Running\\s+3\\s"));
        EmbeddedOperator.Run tooOld = cli("rollback", "service", "hello", "--to-generation", "42");
        assertThat(tooOld.code()).isEqualTo(1);
        assertThat(tooOld.err()).contains("toGeneration: generation 42 is not in the kept history (kept: 1, 2, 3)");

        assertThat(cli("delete", "service", "hello").out()).contains("service/hello deleted");
        assertThat(cli("get").out()).contains("No resources found.");
        EmbeddedOperator.Run missing = cli("describe", "service", "hello");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("Service/hello not found");
    }
}
