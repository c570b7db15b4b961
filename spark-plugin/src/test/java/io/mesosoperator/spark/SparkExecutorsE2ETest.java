package io.mesosoperator.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Real Spark, end to end: a driver started with the distribution's spark-submit and the master
 * {@code mesos-operator://127.0.0.1:PORT/...} gets its executors from a stand-in of the operator
 * ({@link LocalExecutorOperator}: local processes launched as the operator's Mesos tasks will be).
 * <p>
 * The Spark is {@code mesos.operator.spark.home} when set (a SPARK_HOME with jars/ and
 * bin/spark-submit: how the same plugin jar is run against Spark 4, docs/spark-executors.md), else
 * the dists/spark tarball ({@code mesos.operator.spark.dist}).
 */
class SparkExecutorsE2ETest {
    private static final Duration PATIENCE = Duration.ofMinutes(4);
    private static final long N = 100_000;
    private static final long SUM = N * (N + 1) / 2;
    private static final Pattern MARKER = Pattern.compile("started-(\\w+)-(\\d+)-(\\d+)");
    private static final Path WORK = Path.of("target", "spark-executors-e2e").toAbsolutePath();

    private static Path sparkHome;
    private static String sparkVersion;
    private static Path pluginJar;
    private static Path appJar;

    @BeforeAll
    static void spark() throws Exception {
        Files.createDirectories(WORK);
        String home = System.getProperty("mesos.operator.spark.home");
        sparkHome = home != null && !home.isBlank() ? Path.of(home) : unpack(Path.of(required("mesos.operator.spark.dist")));
        sparkVersion = versionOf(sparkHome);
        pluginJar = Path.of(required("mesos.operator.spark.plugin.jar"));
        assertThat(pluginJar).as("the plugin jar (built by package)").isRegularFile();
        appJar = jarOf(Path.of("target", "test-classes"), "io/mesosoperator/spark/app/", WORK.resolve("sum-app.jar"));
    }

    @Test
    void twoExecutorProcessesComputeTheSum(TestInfo test) throws Exception {
        Path work = workDir(test);
        try (LocalExecutorOperator operator = new LocalExecutorOperator(sparkHome, work, "/v1/resources/SparkJob/sum/runs/1")) {
            // spark-submit of Spark 4 only passes masters starting with spark, k8s, yarn or local
            Process driver = submit(operator.master(spark4() ? OperatorUrl.SUBMIT_SCHEME : OperatorUrl.SCHEME), work);

            awaitWhileRunning(driver, work, () -> executorsWithTasks(work).size() >= 2);
            assertThat(executorsWithTasks(work)).containsExactly("1", "2");
            open(work);

            assertSucceeded(driver, work);
            JsonNode first = operator.wishes().get(0);
            assertThat(first.path("driverUrl").asText()).startsWith("spark://CoarseGrainedScheduler@127.0.0.1:");
            assertThat(first.path("profiles").get(0).path("total").asInt()).isEqualTo(2);
            assertThat(first.path("profiles").get(0).path("cores").asInt()).isEqualTo(1);
            assertThat(first.path("profiles").get(0).path("memoryMiB").asInt()).isEqualTo(512);
            assertAllGoneAfterTheDriver(operator, Set.of("1", "2"));
        }
    }

    @Test
    void theJobSurvivesAnExecutorKilledWithSigkill(TestInfo test) throws Exception {
        Path work = workDir(test);
        try (LocalExecutorOperator operator = new LocalExecutorOperator(sparkHome, work, "/v1/resources/SparkJob/sum/runs/2")) {
            Process driver = submit(operator.master(OperatorUrl.SUBMIT_SCHEME), work);
            awaitWhileRunning(driver, work, () -> executorsWithTasks(work).containsAll(List.of("1", "2")));

            operator.process("1").destroyForcibly(); // kill -9, with a task of the job on it
            // the stand-in replaces it (as the operator will); the replacement gets the lost task
            awaitWhileRunning(driver, work, () -> executorsWithTasks(work).contains("3"));
            open(work);

            assertSucceeded(driver, work);
            assertThat(operator.states()).containsEntry("1", LocalExecutorOperator.State.FAILED);
            assertAllGoneAfterTheDriver(operator, Set.of("1", "2", "3"));
        }
    }

    @Test
    void dynamicAllocationGrowsAndShrinksTheExecutors(TestInfo test) throws Exception {
        Path work = workDir(test);
        try (LocalExecutorOperator operator = new LocalExecutorOperator(sparkHome, work, "/v1/resources/SparkJob/sum/runs/3")) {
            Process driver = submit(operator.master(OperatorUrl.SUBMIT_SCHEME), work, List.of(
                    "spark.executor.instances=1",
                    "spark.dynamicAllocation.enabled=true",
                    "spark.dynamicAllocation.shuffleTracking.enabled=true",
                    "spark.dynamicAllocation.minExecutors=1",
                    "spark.dynamicAllocation.maxExecutors=2",
                    "spark.dynamicAllocation.schedulerBacklogTimeout=1s",
                    "spark.dynamicAllocation.executorIdleTimeout=3s"), "hold");

            // 8 waiting tasks on 1 executor: Spark asks for a second one
            awaitWhileRunning(driver, work, () -> executorsWithTasks(work).containsAll(List.of("1", "2")));
            open(work);
            awaitWhileRunning(driver, work, () -> Files.exists(work.resolve("result")));
            // both idle after the job: Spark gives one back (down to minExecutors), which is not replaced
            awaitWhileRunning(driver, work, () -> operator.states().containsValue(LocalExecutorOperator.State.KILLED));
            Files.writeString(work.resolve("gate").resolve("done"), "");

            assertSucceeded(driver, work);
            List<Integer> totals = operator.wishes().stream()
                    .map(w -> w.path("profiles").get(0).path("total").asInt()).toList();
            assertThat(totals).as("the totals the driver asked for, in order").first().isEqualTo(1);
            assertThat(totals.subList(totals.indexOf(2), totals.size())).as("after 2, %s", totals).contains(1).endsWith(0);
            assertAllGoneAfterTheDriver(operator, Set.of("1", "2"));
        }
    }

    @Test
    void aRunTheOperatorDoesNotKnowFailsTheApplicationWithTheOperatorsAnswer(TestInfo test) throws Exception {
        Path work = workDir(test);
        try (LocalExecutorOperator operator = new LocalExecutorOperator(sparkHome, work, "/v1/resources/SparkJob/sum/runs/4")) {
            Process driver = submit(operator.master(OperatorUrl.SUBMIT_SCHEME).replace("/runs/4", "/runs/404"), work);

            await().atMost(PATIENCE).until(() -> !driver.isAlive());
            assertThat(driver.exitValue()).isNotZero();
            assertThat(Files.readString(work.resolve("driver.log")))
                    .contains("The operator refused the executors of this application: PUT http://127.0.0.1:")
                    .contains("/runs/404/executors answered 404: {\"message\":\"no such run or route");
            assertThat(operator.states()).isEmpty();
        }
    }

    private static Process submit(String master, Path work) throws IOException {
        return submit(master, work, List.of("spark.executor.instances=2"));
    }

    private static Process submit(String master, Path work, List<String> conf, String... appOptions)
            throws IOException {
        Files.createDirectories(work.resolve("gate"));
        List<String> command = new ArrayList<>(List.of(sparkHome.resolve("bin/spark-submit").toString(),
                "--master", master,
                "--driver-memory", "512m",
                "--driver-class-path", pluginJar.toString(),
                "--conf", "spark.ui.enabled=false",
                // as the operator will: the address the executors reach the driver at (else this host's name)
                "--conf", "spark.driver.host=" + LocalExecutorOperator.HOST,
                "--conf", "spark.executor.cores=1",
                "--conf", "spark.executor.memory=512m",
                "--conf", MesosOperatorSchedulerBackend.POLL_INTERVAL + "=1s"));
        conf.forEach(c -> command.addAll(List.of("--conf", c)));
        command.addAll(List.of("--class", "io.mesosoperator.spark.app.SumApp",
                appJar.toString(), work.resolve("gate").toString(), Long.toString(N), "8",
                work.resolve("result").toString()));
        command.addAll(List.of(appOptions));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("driver.log").toFile());
        builder.environment().put("SPARK_HOME", sparkHome.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("SPARK_LOCAL_IP", LocalExecutorOperator.HOST);
        return builder.start();
    }

    /** Waits for the condition; a driver that ended before it fails the test with its log. */
    private static void awaitWhileRunning(Process driver, Path work, java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!driver.isAlive()) {
                throw new AssertionError("the driver exited with " + driver.exitValue() + " before that; its log:\n"
                        + tail(work.resolve("driver.log")));
            }
            return condition.call();
        });
    }

    private static void assertSucceeded(Process driver, Path work) throws IOException {
        await().atMost(PATIENCE).until(() -> !driver.isAlive());
        assertThat(driver.exitValue()).as("driver exit code; its log:\n%s", tail(work.resolve("driver.log")))
                .isZero();
        assertThat(Files.readString(work.resolve("result"))).isEqualTo(Long.toString(SUM));
    }

    /** The driver's end asked the operator to kill the rest, and no executor was started after it. */
    private static void assertAllGoneAfterTheDriver(LocalExecutorOperator operator, Set<String> launched) {
        assertThat(operator.allKilled()).as("the driver asked to kill every executor").isTrue();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(operator.states().values())
                .doesNotContain(LocalExecutorOperator.State.RUNNING));
        assertThat(operator.states().keySet()).containsExactlyInAnyOrderElementsOf(launched);
    }

    /** The executors that started tasks of the job, from the markers the tasks leave. */
    private static Set<String> executorsWithTasks(Path work) throws IOException {
        Set<String> ids = new TreeSet<>();
        try (Stream<Path> files = Files.list(work.resolve("gate"))) {
            files.forEach(f -> {
                Matcher m = MARKER.matcher(f.getFileName().toString());
                if (m.matches()) {
                    ids.add(m.group(1));
                }
            });
        }
        return ids;
    }

    private static void open(Path work) throws IOException {
        Files.writeString(work.resolve("gate").resolve("open"), "");
    }

    private static boolean spark4() {
        return !sparkVersion.startsWith("3.");
    }

    private static Path workDir(TestInfo test) throws IOException {
        Path dir = WORK.resolve(sparkVersion + "-" + test.getTestMethod().orElseThrow().getName());
        if (Files.exists(dir)) {
            try (Stream<Path> old = Files.walk(dir)) {
                old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    private static Path unpack(Path tarball) throws Exception {
        assertThat(tarball).as("the Spark distribution (mvn -pl dists/spark package builds it)").isRegularFile();
        Path into = WORK.resolve("dist");
        if (!Files.isDirectory(into.resolve("spark/jars"))) {
            Files.createDirectories(into);
            Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", into.toString()).inheritIO().start();
            assertThat(tar.waitFor()).as("tar xzf %s", tarball).isZero();
        }
        return into.resolve("spark");
    }

    /** Spark's version, from the name of its spark-core jar. */
    private static String versionOf(Path home) throws IOException {
        try (Stream<Path> jars = Files.list(home.resolve("jars"))) {
            return jars.map(j -> j.getFileName().toString()).filter(n -> n.matches("spark-core_2\\.1\\d-.*\\.jar"))
                    .map(n -> n.replaceAll("^spark-core_2\\.1\\d-|\\.jar$", "")).findFirst()
                    .orElseThrow(() -> new AssertionError("no spark-core jar in " + home.resolve("jars")));
        }
    }

    /** A jar of the compiled classes under {@code prefix}: the application spark-submit runs. */
    private static Path jarOf(Path classes, String prefix, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes.resolve(prefix))) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no " + log + ")";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        assertThat(value).as("system property %s", property).isNotBlank();
        return value;
    }
}
