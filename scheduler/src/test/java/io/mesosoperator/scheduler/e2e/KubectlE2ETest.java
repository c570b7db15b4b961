package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The installed kubectl against the operator's Kubernetes API, with a kubeconfig that points at it
 * over plain http: apply (created, unchanged, configured), get as a table and as YAML with status,
 * get -w, scale, edit, describe with events, server-side apply, diff, an invalid spec, a stale
 * update's Conflict, delete. Skipped, saying so, where no kubectl is installed.
 */
class KubectlE2ETest extends EmbeddedOperatorTest {
    static final Path KUBECTL = Path.of(System.getenv().getOrDefault("KUBECTL", "/usr/bin/kubectl"));
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(60);

    private Path kubeconfig;

    @BeforeAll
    void kubeconfig() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(KUBECTL), "no kubectl at " + KUBECTL + " (set $KUBECTL to another one)");
        kubeconfig = work.resolve("kubeconfig");
        EmbeddedOperator.Run printed = env.cli("kubeconfig");
        assertThat(printed.code()).as(printed.err()).isZero();
        Files.writeString(kubeconfig, printed.out());
    }

    record Result(int code, String out, String err) {}

    /** Runs kubectl with the operator's kubeconfig and a discovery cache of this test's own. */
    Result kubectl(String... args) throws Exception {
        return run(work, kubeconfig, args);
    }

    /** Runs kubectl with this kubeconfig, a discovery cache in {@code work}, and a scripted editor there. */
    static Result run(Path work, Path kubeconfig, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(KUBECTL.toString(), "--cache-dir", work.resolve("kube-cache").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().put("KUBE_EDITOR", work.resolve("editor.sh").toString());
        Path out = Files.createTempFile(work, "kubectl", ".out");
        Path err = Files.createTempFile(work, "kubectl", ".err");
        // no stdin: kubectl asks for a user name on a terminal when a server refuses it credentials
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not end within 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** kubectl, which must succeed; its output. */
    String ok(String... args) throws Exception {
        Result r = kubectl(args);
        assertThat(r.code()).as("kubectl %s: %s", String.join(" ", args), r.err()).isZero();
        return r.out();
    }

    private Path file(String name, String content) throws IOException {
        Path f = work.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    private static String hello(int instances) {
        return Specs.service("hello", instances, "sleep 600").replace("metadata: {name: hello}",
                "metadata: {name: hello, labels: {team: data}}");
    }

    @Test
    void kubectlDrivesAServiceThroughItsLife() throws Exception {
        Path hello = file("hello.yaml", hello(2));
        assertThat(ok("apply", "-f", hello.toString())).contains("service.mesos-operator.io/hello created");
        assertThat(ok("apply", "-f", hello.toString())).contains("service.mesos-operator.io/hello unchanged");
        await().atMost(WAIT).untilAsserted(() -> assertThat(ok("get", "services"))
                .containsPattern("NAME\\s+READY\\s+PHASE\\s+GENERATION\\s+AGE")
                .containsPattern("hello\\s+2/2\\s+Running\\s+1\\s"));
        // the category lists every kind; the short name works as on a cluster
        assertThat(ok("get", "mesos")).contains("service.mesos-operator.io/hello");
        assertThat(ok("get", "msvc", "hello", "-o", "yaml")).contains("apiVersion: mesos-operator.io/v1",
                "namespace: default", "team: data", "readyReplicas: 2", "phase: Running", "instances: 2",
                "kubectl.kubernetes.io/last-applied-configuration");
        // the same resource through the operator's own API
        assertThat(env.get("/v1/resources/Service/hello").body().path("spec").path("instances").asInt()).isEqualTo(2);
        // its Mesos tasks, read-only, as `bin/mesos-operator get tasks` lists them
        String tasks = ok("get", "tasks");
        assertThat(tasks).containsPattern("NAME\\s+RESOURCE\\s+INSTANCE\\s+STATE\\s+HEALTHY\\s+AGENT\\s+AGE")
                .containsPattern("hello-0\\.\\S+\\s+Service/hello\\s+0\\s+TASK_RUNNING")
                .containsPattern("hello-1\\.\\S+\\s+Service/hello\\s+1\\s+TASK_RUNNING");
        String firstTask = tasks.lines().filter(l -> l.startsWith("hello-0.")).findFirst().orElseThrow().split("\\s+")[0];
        assertThat(ok("get", "task", firstTask, "-o", "yaml")).contains("kind: Task", "state: TASK_RUNNING",
                "resource: Service/hello");
        assertThat(ok("get", "tasks", "-l", "mesos-operator.io/instance=1")).contains("hello-1.").doesNotContain("hello-0.");

        // get -w sees the change an apply makes
        List<String> watched = new CopyOnWriteArrayList<>();
        Process watch = startWatch(watched, "get", "msvc", "hello", "-w");
        try {
            await().atMost(WAIT).until(() -> watched.stream().anyMatch(l -> l.matches("hello\\s+2/2\\s+Running\\s+1\\s.*")));
            assertThat(ok("apply", "-f", file("hello3.yaml", hello(3)).toString()))
                    .contains("service.mesos-operator.io/hello configured");
            await().atMost(WAIT).untilAsserted(() -> assertThat(watched).anyMatch(l -> l.matches("hello\\s+3/3\\s+Running\\s+2\\s.*")));
        } finally {
            watch.destroy();
        }

        assertThat(ok("scale", "msvc", "hello", "--replicas=1")).contains("service.mesos-operator.io/hello scaled");
        await().atMost(WAIT).untilAsserted(() -> assertThat(ok("get", "msvc", "hello"))
                .containsPattern("hello\\s+1/1\\s+Running\\s+3\\s"));
        assertThat(ok("get", "msvc", "hello", "-o", "jsonpath={.spec.instances}")).isEqualTo("1");

        String describe = ok("describe", "msvc", "hello");
        assertThat(describe).contains("Name:", "hello", "Namespace:", "default", "Events:", "SpecCreated", "SpecScaled")
                .containsPattern("Normal\\s+Launching\\s+\\S+\\s+mesos-operator\\s+instance 0 as task hello-0");

        // edit with a scripted editor: the change goes in as a merge patch
        Path editor = file("editor.sh", "#!/bin/sh\nsed -i 's/instances: 1/instances: 2/' \"$1\"\n");
        assertThat(editor.toFile().setExecutable(true)).isTrue();
        assertThat(ok("edit", "msvc", "hello")).contains("service.mesos-operator.io/hello edited");
        await().atMost(WAIT).untilAsserted(() -> assertThat(ok("get", "msvc", "hello"))
                .containsPattern("hello\\s+2/2\\s+Running\\s+4\\s"));

        // diff: what an apply would change, from a server-side dry run (nothing changes)
        Result diff = kubectl("diff", "-f", file("hello4.yaml", hello(4)).toString());
        assertThat(diff.code()).as(diff.err()).isEqualTo(1);
        assertThat(diff.out()).contains("-  instances: 2", "+  instances: 4");
        assertThat(ok("get", "msvc", "hello", "-o", "jsonpath={.metadata.generation}")).isEqualTo("4");

        // server-side apply merges the file into the object
        assertThat(ok("apply", "--server-side", "-f", hello.toString()))
                .contains("service.mesos-operator.io/hello serverside-applied");
        assertThat(ok("get", "msvc", "hello", "-o", "jsonpath={.spec.instances}")).isEqualTo("2");

        // a stale update is refused with Conflict and changes nothing
        Path stale = file("stale.yaml", ok("get", "msvc", "hello", "-o", "yaml").replace("instances: 2", "instances: 5"));
        ok("scale", "msvc", "hello", "--replicas=3");
        Result conflict = kubectl("replace", "-f", stale.toString());
        assertThat(conflict.code()).isEqualTo(1);
        assertThat(conflict.err()).contains("Error from server (Conflict)", "the object has been modified");
        assertThat(ok("get", "msvc", "hello", "-o", "jsonpath={.spec.instances}")).isEqualTo("3");

        assertThat(ok("delete", "msvc", "hello")).contains("service.mesos-operator.io \"hello\" deleted");
        assertThat(kubectl("get", "mesos").err()).contains("No resources found in default namespace.");
        await().atMost(WAIT).untilAsserted(() -> assertThat(env.mesosRunningTasks()).isEmpty());
        Result gone = kubectl("get", "msvc", "hello");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).contains("Error from server (NotFound): services.mesos-operator.io \"hello\" not found");
    }

    @Test
    void badSpecsAreRefusedNamingTheField() throws Exception {
        Result negative = kubectl("apply", "-f", file("bad.yaml", Specs.service("bad", -1, "sleep 600")).toString());
        assertThat(negative.code()).isEqualTo(1);
        assertThat(negative.err()).contains("The Service \"bad\" is invalid: spec.instances: must be >= 0");
        Result unknown = kubectl("apply", "-f", file("unknown.yaml", Specs.service("bad", 1, "sleep 600", "replicas: 2")).toString());
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("spec.replicas: unknown field");
        assertThat(kubectl("get", "msvc", "bad").err()).contains("NotFound");
    }

    /** Starts a long-running kubectl (get -w) whose output lines land in {@code lines}. */
    private Process startWatch(List<String> lines, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(KUBECTL.toString(), "--cache-dir", work.resolve("kube-cache").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        Process p = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "kubectl-watch");
        reader.setDaemon(true);
        reader.start();
        return p;
    }
}
