package io.mesosoperator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.local.EmbeddedZooKeeper;
import io.mesosoperator.local.MesosLocalCluster;
import io.mesosoperator.local.SimulatedAgent;
import io.mesosoperator.scheduler.api.ExecutorJar;
import io.mesosoperator.scheduler.embedded.EmbeddedCluster;
import io.mesosoperator.scheduler.embedded.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The scale benchmark (issue #8): the operator runs as its own process, exactly as `server` runs
 * it, against a mesos-local master with thousands of simulated agents over the real v1 HTTP API;
 * this process plays Mesos, applies specs through the REST API, and measures from the outside
 * (launches as the master receives them, status through the event stream, heap and CPU of the
 * operator's process). Prints one table; nothing is asserted, the numbers are the result.
 */
public final class Benchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** System property: record the operator processes with Java Flight Recorder (operator.jfr in each work dir). */
    public static final String PROFILE = "mesos.operator.bench.profile";
    /** The operator's smallest restart backoff (reconcile.backoffInitialSeconds); subtracted from failure reactions. */
    private static final Duration BACKOFF = Duration.ofMillis(100);
    /** The pause after each round's processes are gone, before the next is timed. */
    private static final Duration SETTLE = Duration.ofMillis(500);
    /** What the shell processes run: leave the readiness marker, then live on. */
    private static final String SHELL_COMMAND = "touch MARKERS/$MESOS_OPERATOR_INSTANCE && exec sleep 3600";
    /** Tasks per Service resource (instances are capped at 10,000; the reaction phase scales one up). */
    private static final int PER_SPEC = 5_000;

    /** How big each phase is; {@link #quick()} proves the benchmark works in seconds. */
    public record Sizes(int agents, int tasks, int bigAgents, int bigTasks, int reactions, int realProcesses,
            int realWarmUps, int realRounds, int appliesPerWriter, int dashboardResources, MetricsCost metrics) {
        /** Every phase but the metrics cost (two minutes of measuring windows of its own: --metrics-only). */
        public static Sizes full() {
            return new Sizes(1_000, 10_000, 5_000, 50_000, 50, 20, 50, 5, 50, 100, MetricsCost.NONE);
        }

        /** No browser in the quick run (the test suite's): the dashboard has tests of its own. */
        public static Sizes quick() {
            return new Sizes(20, 200, 0, 0, 3, 3, 1, 1, 3, 0, MetricsCost.QUICK);
        }

        /** Only the real-process phase, with this many processes. */
        public Sizes realOnly() {
            return new Sizes(0, 0, 0, 0, 0, realProcesses, realWarmUps, realRounds, 0, 0, MetricsCost.NONE);
        }

        /** Only the API phase: applies under concurrent writers and the largest spec. */
        public Sizes appliesOnly() {
            return new Sizes(0, 0, 0, 0, 0, 0, 0, 0, appliesPerWriter, 0, MetricsCost.NONE);
        }

        /** Only the dashboard phase: the page with this many resources of 10 tasks each. */
        public Sizes dashboardOnly() {
            return new Sizes(0, 0, 0, 0, 0, 0, 0, 0, 0, dashboardResources, MetricsCost.NONE);
        }

        /** Only the cost of collecting metrics: 100 instances over 60 s windows (or {@code quick}'s few). */
        public static Sizes metricsOnly(boolean quick) {
            return new Sizes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, quick ? MetricsCost.QUICK : MetricsCost.FULL);
        }
    }

    /**
     * The metrics-cost phase: how many instances, how long the operator settles after a (re)start
     * before it is measured, and how long each measured window lasts.
     */
    public record MetricsCost(int instances, Duration settle, Duration window) {
        static final MetricsCost NONE = new MetricsCost(0, Duration.ZERO, Duration.ZERO);
        static final MetricsCost QUICK = new MetricsCost(4, Duration.ofSeconds(1), Duration.ofSeconds(3));
        static final MetricsCost FULL = new MetricsCost(100, Duration.ofSeconds(20), Duration.ofSeconds(60));
    }

    /** Tasks per resource in the dashboard phase. */
    private static final int DASHBOARD_INSTANCES = 10;

    /** One measured line of the table. */
    public record Row(String what, String value, String target) {}

    private final Sizes sizes;
    private final Path work;
    private final PrintStream log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Row> rows;

    /** The rows of a run, each printed as it is added (as measured, in case a later phase fails). */
    static List<Row> loggedRows(PrintStream log) {
        return new ArrayList<>() {
            @Override
            public boolean add(Row r) {
                log.printf("  %s: %s%n", r.what(), r.value());
                return super.add(r);
            }
        };
    }

    public Benchmark(Sizes sizes, Path work, PrintStream log) {
        this.sizes = sizes;
        // a fresh directory per run: ZooKeeper, sandboxes and readiness markers of an earlier run
        // would otherwise be found again (absolute: the sample service's class path is read from
        // every process's own directory)
        this.work = work.toAbsolutePath().resolve("run-" + System.currentTimeMillis());
        this.log = log;
        this.rows = loggedRows(log);
    }

    public List<Row> run() throws Exception {
        deleteEarlierRuns();
        Files.createDirectories(work);
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start("127.0.0.1", freePort(), work.resolve("zk"))) {
            if (sizes.tasks() > 0) {
                simulated(zk, sizes.agents(), sizes.tasks(), true);
            }
            if (sizes.bigTasks() > 0) {
                simulated(zk, sizes.bigAgents(), sizes.bigTasks(), false);
            }
            if (sizes.appliesPerWriter() > 0) {
                applies(zk);
            }
            if (sizes.realProcesses() > 0) {
                realProcesses(zk);
            }
            if (sizes.dashboardResources() > 0) {
                dashboard(zk);
            }
            if (sizes.metrics().instances() > 0) {
                metricsCost(zk);
            }
        }
        return rows;
    }

    private void deleteEarlierRuns() throws IOException {
        deleteEarlierRuns(work.getParent(), "run-");
    }

    /** Only a benchmark's own run directories (by their prefix), so the disk does not fill run after run. */
    static void deleteEarlierRuns(Path parent, String prefix) throws IOException {
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (var runs = Files.list(parent)) {
            for (Path run : runs.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                try (var tree = Files.walk(run)) {
                    for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ simulated agents

    private void simulated(EmbeddedZooKeeper zk, int agents, int tasks, boolean everything) throws Exception {
        log.printf("%n== %,d tasks on %,d simulated agents%n", tasks, agents);
        Map<String, Long> launchedAt = new ConcurrentHashMap<>();
        try (MesosLocalCluster mesos = MesosLocalCluster.builder(work.resolve("mesos-" + agents)).agents(0)
                .simulatedAgents(agents, Duration.ofMillis(20)).agentResources(16, 65_536, 100_000).start()) {
            mesos.master().watchLaunches(t -> launchedAt.putIfAbsent(t.getName(), System.nanoTime()));
            String root = "/bench-" + agents;
            OperatorProcess operator = OperatorProcess.start(work.resolve("operator-" + agents), mesos.masterUrl(),
                    zk.connectString(), root, log);
            try {
                long heapIdle = operator.heapAfterGc();
                double cpuBefore = operator.cpuSeconds();
                List<String> names = new ArrayList<>();
                for (int s = 0; s < (tasks + PER_SPEC - 1) / PER_SPEC; s++) {
                    names.add("bench-" + s);
                }
                double seconds = launchAll(operator, names, tasks);
                double cpu = operator.cpuSeconds() - cpuBefore;
                rows.add(new Row(String.format(Locale.ROOT, "launch throughput, %,d tasks on %,d agents%s", tasks, agents,
                                everything ? ", cold JVM" : ""),
                        String.format(Locale.ROOT, "%,.0f tasks/s (%.1f s to all RUNNING)", tasks / seconds, seconds), ""));
                long heapLoaded = operator.heapAfterGc();
                rows.add(new Row(String.format(Locale.ROOT, "operator heap after full GC, %,d tasks", tasks),
                        String.format(Locale.ROOT, "%.1f MiB per 10,000 tasks (%.1f MiB idle, %.1f MiB loaded)",
                                (heapLoaded - heapIdle) / 1048576.0 * 10_000 / tasks, heapIdle / 1048576.0, heapLoaded / 1048576.0),
                        "< 100 MiB per 10,000 tasks"));
                rows.add(new Row(String.format(Locale.ROOT, "operator CPU per 1,000 launches (%,d tasks)", tasks),
                        String.format(Locale.ROOT, "%.2f CPU s", cpu * 1000 / tasks), ""));
                if (!everything) {
                    return;
                }
                // sustained: the same launches again once the operator's JVM has run them once (JIT compiled,
                // classes loaded), as a long-running operator is
                double stopped = stopAll(operator, mesos, names);
                double warm = launchAll(operator, names, tasks);
                rows.add(new Row(String.format(Locale.ROOT, "launch throughput, %,d tasks on %,d agents, warm JVM", tasks, agents),
                        String.format(Locale.ROOT, "%,.0f tasks/s (%.1f s to all RUNNING; stopping them all took %.1f s)",
                                tasks / warm, warm, stopped), tasks == 10_000 ? ">= 2,000 tasks/s" : ""));
                reactions(mesos, operator, launchedAt, names.get(0), Math.min(PER_SPEC, tasks));
                operator = restart(operator, mesos, zk, root, tasks);
            } finally {
                operator.close();
            }
        }
    }

    // ------------------------------------------------------------------ the API under concurrent writers

    private void applies(EmbeddedZooKeeper zk) throws Exception {
        log.printf("%n== applies under concurrent writers (%d updates per writer), and the largest spec%n",
                sizes.appliesPerWriter());
        try (MesosLocalCluster mesos = MesosLocalCluster.builder(work.resolve("mesos-applies")).agents(0)
                .simulatedAgents(1, Duration.ofMillis(20)).agentResources(16, 65_536, 100_000).start();
             OperatorProcess operator = OperatorProcess.start(work.resolve("operator-applies"), mesos.masterUrl(),
                     zk.connectString(), "/bench-applies", log)) {
            rows.addAll(new ApplyBenchmark(operator.api, sizes.appliesPerWriter(), log).run());
        }
    }

    // ------------------------------------------------------------------ the dashboard

    private void dashboard(EmbeddedZooKeeper zk) throws Exception {
        int resources = sizes.dashboardResources();
        log.printf("%n== the dashboard with %d resources and %,d tasks%n", resources, resources * DASHBOARD_INSTANCES);
        if (!DashboardBenchmark.browserInstalled()) {
            rows.add(new Row("dashboard", "not measured: no chromium and chromedriver on this machine", ""));
            return;
        }
        try (MesosLocalCluster mesos = MesosLocalCluster.builder(work.resolve("mesos-dashboard")).agents(0)
                .simulatedAgents(resources, Duration.ofMillis(20)).agentResources(16, 65_536, 100_000).start();
             OperatorProcess operator = OperatorProcess.start(work.resolve("operator-dashboard"), mesos.masterUrl(),
                     zk.connectString(), "/bench-dashboard", log)) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < resources; i++) {
                names.add(String.format(Locale.ROOT, "page-%03d", i));
            }
            try (EventWatch ready = operator.watch()) {
                for (String name : names) {
                    operator.apply(service(name, DASHBOARD_INSTANCES));
                }
                for (String name : names) {
                    ready.await("Service/" + name, DASHBOARD_INSTANCES + "/" + DASHBOARD_INSTANCES, Duration.ofMinutes(5));
                }
            }
            rows.addAll(new DashboardBenchmark(operator.api, names, DASHBOARD_INSTANCES).run());
        }
    }

    /** Applies the Services (PER_SPEC tasks each, {@code tasks} in all); the seconds until all are RUNNING. */
    private static double launchAll(OperatorProcess operator, List<String> names, int tasks) throws Exception {
        long start = System.nanoTime();
        try (EventWatch ready = operator.watch()) {
            for (int s = 0; s < names.size(); s++) {
                operator.apply(service(names.get(s), Math.min(PER_SPEC, tasks - s * PER_SPEC)));
            }
            for (int s = 0; s < names.size(); s++) {
                int n = Math.min(PER_SPEC, tasks - s * PER_SPEC);
                ready.await("Service/" + names.get(s), n + "/" + n, Duration.ofMinutes(10));
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Scales the Services to 0; the seconds until no simulated agent runs any of their tasks. */
    private static double stopAll(OperatorProcess operator, MesosLocalCluster mesos, List<String> names) throws Exception {
        long start = System.nanoTime();
        for (String name : names) {
            operator.apply(service(name, 0));
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (mesos.simulatedAgents().stream().anyMatch(a -> !a.taskIds().isEmpty())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("tasks still running 10 minutes after scaling to 0");
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private void reactions(MesosLocalCluster mesos, OperatorProcess operator, Map<String, Long> launchedAt, String name,
                           int instances) throws Exception {
        List<Double> scale = new ArrayList<>();
        int count = instances;
        for (int i = 0; i < sizes.reactions(); i++) {
            count++;
            String pod = name + "-" + (count - 1);
            long t0 = System.nanoTime();
            operator.apply(service(name, count));
            scale.add(waitForLaunch(launchedAt, pod, t0));
        }
        rows.add(new Row("spec change (scale +1) -> first LAUNCH, p50 / p99", percentiles(scale), ""));

        List<Double> failure = new ArrayList<>();
        List<SimulatedAgent> agents = mesos.simulatedAgents();
        for (int i = 0; i < sizes.reactions(); i++) {
            SimulatedAgent agent = agents.get((i * 7919) % agents.size());
            String taskId = agent.taskIds().stream().filter(t -> t.startsWith(name + "-")).findFirst().orElse(null);
            if (taskId == null) {
                continue;
            }
            String pod = taskId.substring(0, taskId.indexOf('.'));
            launchedAt.remove(pod);
            long t0 = System.nanoTime();
            agent.fail(taskId, "benchmark: injected failure");
            failure.add(waitForLaunch(launchedAt, pod, t0) - BACKOFF.toMillis());
            // let the replacement settle, so the next failure is a first failure (same backoff)
            Thread.sleep(200);
        }
        rows.add(new Row("task failure -> replacement LAUNCH beyond the " + BACKOFF.toMillis() + " ms backoff, p50 / p99",
                percentiles(failure), "p99 < 250 ms"));
        operator.apply(service(name, instances));
    }

    private OperatorProcess restart(OperatorProcess operator, MesosLocalCluster mesos, EmbeddedZooKeeper zk, String root,
                                    int tasks) throws Exception {
        operator.kill();
        long start = System.nanoTime();
        OperatorProcess next = OperatorProcess.start(operator.dir(), mesos.masterUrl(), zk.connectString(), root, log);
        long reconcileMillis = next.awaitReconciliation(Duration.ofMinutes(5));
        double total = (System.nanoTime() - start) / 1e9;
        rows.add(new Row(String.format(Locale.ROOT, "reconciliation after an operator restart, %,d running tasks", tasks),
                String.format(Locale.ROOT, "%.2f s (%.1f s from process start, JVM and ZooKeeper load included)",
                        reconcileMillis / 1000.0, total), "< 5 s"));
        return next;
    }

    private static double waitForLaunch(Map<String, Long> launchedAt, String pod, long since) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            Long at = launchedAt.get(pod);
            if (at != null && at >= since) {
                return (at - since) / 1e6;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no LAUNCH of " + pod + " within 2 minutes");
    }

    static String percentiles(List<Double> millis) {
        if (millis.isEmpty()) {
            return "-";
        }
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        double p50 = sorted.get((int) Math.floor(0.50 * (sorted.size() - 1)));
        double p99 = sorted.get((int) Math.ceil(0.99 * (sorted.size() - 1)));
        return String.format(Locale.ROOT, "%.0f ms / %.0f ms (%d samples)", p50, p99, sorted.size());
    }

    private static String service(String name, int instances) {
        return """
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata: {name: %s}
                spec: {instances: %d, cpus: 0.01, mem: 16, command: sleep 3600}
                """.formatted(name, instances);
    }

    // ------------------------------------------------------------------ real processes

    private void realProcesses(EmbeddedZooKeeper zk) throws Exception {
        int n = sizes.realProcesses();
        int rounds = sizes.realRounds();
        log.printf("%n== %d real processes, directly and through the operator (%d unmeasured rounds, then %d measured)%n",
                n, sizes.realWarmUps(), rounds);
        Path ready = Ready.compile(work.resolve("ready-app"));
        Workload jvm = new Workload("jvm", "JVM services", Ready.javaCommand(ready) + " MARKERS/$MESOS_OPERATOR_INSTANCE");
        Workload shell = new Workload("shell", "shell processes", SHELL_COMMAND);
        double first;
        try (MesosLocalCluster mesos = MesosLocalCluster.builder(work.resolve("mesos-real")).agents(3)
                .agentResources(8, 16_384, 100_000).start()) {
            OperatorProcess operator = OperatorProcess.start(work.resolve("operator-real"), mesos.masterUrl(),
                    zk.connectString(), "/bench-real", log);
            try {
                // the clock starts on an operator that is ready: subscribed to the master, reconciled
                operator.awaitReconciliation(Duration.ofMinutes(1));
                first = viaOperator(operator, mesos, jvm.command(), "first", n);
                // unmeasured rounds, so the JIT compilers of both JVMs (the operator's, and this one's
                // playing Mesos) have compiled the launch path, as in a long-running system; the
                // operator and the agents do the same for any command, so the quick one warms them
                for (int round = 1; round <= sizes.realWarmUps(); round++) {
                    viaOperator(operator, mesos, SHELL_COMMAND, "warm-up-" + round, n);
                }
                // each measured round starts the processes both ways, one after the other (which goes
                // first alternates), so a machine that gets busier or quieter moves both sides alike
                for (int round = 1; round <= rounds; round++) {
                    for (Workload w : List.of(jvm, shell)) {
                        Path direct = work.resolve("direct-" + w.name() + "-" + round);
                        if (round % 2 == 1) {
                            w.direct().add(startDirectly(w.command(), direct, n));
                        }
                        w.viaOperator().add(viaOperator(operator, mesos, w.command(), w.name() + "-" + round, n));
                        if (round % 2 == 0) {
                            w.direct().add(startDirectly(w.command(), direct, n));
                        }
                    }
                }
            } finally {
                operator.close();
            }
        }
        for (Workload w : List.of(jvm, shell)) {
            double directSeconds = median(w.direct());
            double operatorSeconds = median(w.viaOperator());
            rows.add(new Row(String.format(Locale.ROOT, "overhead on real processes (%d %s)", n, w.what()),
                    String.format(Locale.ROOT, "%.2fx (%.2f s via the operator / %.2f s directly; medians of %d)",
                            operatorSeconds / directSeconds, operatorSeconds, directSeconds, rounds),
                    w == jvm ? "<= 1.5" : ""));
            if (w == jvm) {
                rows.add(new Row("  the same, first apply after the operator started (" + w.what() + ")",
                        String.format(Locale.ROOT, "%.2fx (%.2f s)", first / directSeconds, first), ""));
            }
        }
    }

    /** One kind of process the overhead is measured on, and the seconds each round took. */
    private record Workload(String name, String what, String command, List<Double> direct, List<Double> viaOperator) {
        Workload(String name, String what, String command) {
            this(name, what, command, new ArrayList<>(), new ArrayList<>());
        }
    }

    /**
     * Applies a Service of n instances of the command, times it until every instance has left its
     * readiness marker, then deletes it and waits until no agent runs any of its executors.
     */
    private double viaOperator(OperatorProcess operator, MesosLocalCluster mesos, String command, String round, int n)
            throws Exception {
        Path markers = Files.createDirectories(work.resolve("markers-" + round));
        String name = "real-" + round;
        double operatorCpu = operator.cpuSeconds();
        double ownCpu = ownCpuSeconds();
        long start = System.nanoTime();
        operator.apply(service(name, n).replace("command: sleep 3600",
                "command: '" + command.replace("MARKERS", markers.toString()) + "'"));
        awaitMarkers(markers, n);
        double seconds = (System.nanoTime() - start) / 1e9;
        log.printf("  %s: %.2f s (CPU meanwhile: operator %.2f s, mesos-local %.2f s)%n", name, seconds,
                operator.cpuSeconds() - operatorCpu,
                ownCpuSeconds() - ownCpu);
        // the next round starts on an idle operator: its tasks gone from the agents and from its records
        deleteAndAwaitGone(operator, mesos, name);
        Thread.sleep(SETTLE.toMillis()); // its last coalesced status and event writes (every 200 ms)
        return seconds;
    }

    // ------------------------------------------------------------------ the cost of collecting metrics

    /** The collection interval of the measured window: many rounds, so their cost stands out of the idle operator's. */
    private static final Duration COLLECT_FAST = Duration.ofSeconds(1);
    /** The interval of the baseline window: the first round runs before any task exists, the next after the run. */
    private static final Duration COLLECT_OFF = Duration.ofHours(1);
    /** The operator's default interval (monitoring.taskUsageIntervalSeconds), which the CPU share is given for. */
    private static final Duration COLLECT_DEFAULT = Duration.ofSeconds(15);

    /**
     * The operator's cost of collecting metrics (issue #20): a Service of real shell processes on
     * real mesos-local agents (simulated agents serve no /monitor/statistics), the operator measured
     * over the same window twice, with collection (task usage, workload metrics and the anomaly
     * monitor reading them) effectively off, then, after a restart that adopts the same tasks, every
     * second. The difference is the collection's.
     */
    private void metricsCost(EmbeddedZooKeeper zk) throws Exception {
        MetricsCost m = sizes.metrics();
        int n = m.instances();
        log.printf("%n== the cost of collecting metrics: %d instances, %d s windows, every %d s against off%n",
                n, m.window().toSeconds(), COLLECT_FAST.toSeconds());
        String name = "metrics";
        Path markers = Files.createDirectories(work.resolve("markers-" + name));
        Path dir = work.resolve("operator-metrics");
        try (MesosLocalCluster mesos = MesosLocalCluster.builder(work.resolve("mesos-metrics")).agents(3)
                .agentResources(8, 16_384, 100_000).start()) {
            OperatorProcess operator = OperatorProcess.start(dir, mesos.masterUrl(), zk.connectString(), "/bench-metrics",
                    collectingEvery(COLLECT_OFF), log);
            try {
                operator.awaitReconciliation(Duration.ofMinutes(1));
                operator.apply(service(name, n).replace("command: sleep 3600",
                        "command: '" + SHELL_COMMAND.replace("MARKERS", markers.toString()) + "'"));
                awaitMarkers(markers, n);
                Thread.sleep(m.settle().toMillis());
                Window off = Window.measure(operator, m.window(), name);
                // a graceful stop leaves the tasks running (no TEARDOWN); the next operator adopts them
                operator.close();
                operator = OperatorProcess.start(dir, mesos.masterUrl(), zk.connectString(), "/bench-metrics",
                        collectingEvery(COLLECT_FAST), log);
                operator.awaitReconciliation(Duration.ofMinutes(1));
                awaitTaskSeries(operator, name, n, Duration.ofMinutes(1));
                Thread.sleep(m.settle().toMillis());
                Window on = Window.measure(operator, m.window(), name);
                double rounds = m.window().toMillis() / (double) COLLECT_FAST.toMillis();
                double perRound = (on.cpuSeconds() - off.cpuSeconds()) / rounds;
                rows.add(new Row(String.format(Locale.ROOT, "metrics collection, operator CPU per round (%d instances)", n),
                        String.format(Locale.ROOT, "%.1f ms (%.2f CPU s collecting every %d s, %.2f off, over %d s)",
                                perRound * 1000, on.cpuSeconds(), COLLECT_FAST.toSeconds(), off.cpuSeconds(),
                                m.window().toSeconds()), ""));
                rows.add(new Row(String.format(Locale.ROOT, "  the same as a CPU share at the default %d s interval",
                                COLLECT_DEFAULT.toSeconds()),
                        String.format(Locale.ROOT, "%.3f%% of one core", perRound / COLLECT_DEFAULT.toSeconds() * 100), ""));
                rows.add(new Row(String.format(Locale.ROOT, "metrics collection, operator heap after full GC (%d instances)", n),
                        String.format(Locale.ROOT, "%+.1f MiB (%.1f MiB collecting, %.1f MiB off)",
                                (on.heapBytes() - off.heapBytes()) / 1048576.0, on.heapBytes() / 1048576.0,
                                off.heapBytes() / 1048576.0), ""));
                rows.add(new Row(String.format(Locale.ROOT, "task series in the operator's /metrics/prometheus (%d instances)", n),
                        String.format(Locale.ROOT, "%d cpu, %d memory collecting (%d, %d off)", on.cpuSeries(),
                                on.memorySeries(), off.cpuSeries(), off.memorySeries()), n + " each"));
                deleteAndAwaitGone(operator, mesos, name);
            } finally {
                operator.close();
            }
        }
    }

    /** The operator's collectors, and the anomaly monitor that reads what they export, all at one interval. */
    private static Map<String, Object> collectingEvery(Duration interval) {
        double seconds = interval.toSeconds();
        return Map.of("monitoring.taskUsageIntervalSeconds", seconds,
                "monitoring.workloadIntervalSeconds", seconds,
                "monitoring.anomalies.intervalSeconds", seconds);
    }

    /** Waits until the operator exports a cpu series for every instance (a broken collector shows in the row, not here). */
    private void awaitTaskSeries(OperatorProcess operator, String resource, int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Window.series(operator.scrape(), "mesos_operator_task_cpu_seconds_total", resource) < n) {
            if (System.nanoTime() > deadline) {
                log.printf("  only some of %d instances exported after %s; measuring anyway%n", n, timeout);
                return;
            }
            Thread.sleep(200);
        }
    }

    /** What one measured window found: the operator's CPU during it, then its heap and exported task series. */
    private record Window(double cpuSeconds, long heapBytes, int cpuSeries, int memorySeries) {
        static Window measure(OperatorProcess operator, Duration window, String resource) throws Exception {
            double before = operator.cpuSeconds();
            Thread.sleep(window.toMillis()); // nothing asked of the operator meanwhile
            double cpu = operator.cpuSeconds() - before;
            String scrape = operator.scrape();
            return new Window(cpu, operator.heapAfterGc(), series(scrape, "mesos_operator_task_cpu_seconds_total", resource),
                    series(scrape, "mesos_operator_task_memory_bytes", resource));
        }

        /** The series of one family for one resource in a Prometheus text scrape. */
        static int series(String scrape, String family, String resource) {
            return (int) scrape.lines().filter(l -> l.startsWith(family + "{") && l.contains("resource=\"" + resource + "\""))
                    .count();
        }
    }

    /** Deletes a Service and waits until no agent runs any executor and the operator keeps no task record. */
    private static void deleteAndAwaitGone(OperatorProcess operator, MesosLocalCluster mesos, String name) throws Exception {
        operator.delete("Service", name);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (mesos.agents().stream().anyMatch(a -> !a.runningExecutors().isEmpty()) || operator.taskCount() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " still runs a minute after its delete");
            }
            Thread.sleep(20);
        }
    }

    /** CPU time of this JVM, which plays ZooKeeper and mesos-local (master, agents, command executors). */
    private static double ownCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }

    private static double startDirectly(String command, Path dir, int n) throws Exception {
        Path markers = Files.createDirectories(dir.resolve("markers"));
        List<Process> processes = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < n; i++) {
                ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command.replace("MARKERS", markers.toString()))
                        .redirectErrorStream(true).redirectOutput(dir.resolve("out-" + i).toFile())
                        .directory(dir.toFile());
                pb.environment().put("MESOS_OPERATOR_INSTANCE", Integer.toString(i)); // as the operator sets it
                processes.add(pb.start());
            }
            awaitMarkers(markers, n);
            return (System.nanoTime() - start) / 1e9;
        } finally {
            for (Process p : processes) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            // the next measurement starts on a quiet machine, as after a round through the operator
            for (Process p : processes) {
                p.waitFor(1, TimeUnit.MINUTES);
            }
            Thread.sleep(SETTLE.toMillis());
        }
    }

    private static void awaitMarkers(Path markers, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            try (var files = Files.list(markers)) {
                if (files.count() >= n) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("only some of " + n + " processes became ready in " + markers);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Prints the table: what, value, target. */
    public static void print(List<Row> rows, PrintStream out) {
        int w = rows.stream().mapToInt(r -> r.what().length()).max().orElse(10);
        int v = rows.stream().mapToInt(r -> r.value().length()).max().orElse(10);
        out.printf("%n%-" + w + "s   %-" + v + "s   %s%n", "MEASURE", "RESULT", "TARGET");
        for (Row r : rows) {
            out.printf("%-" + w + "s   %-" + v + "s   %s%n", r.what(), r.value(), r.target());
        }
    }

    /** The operator as its own JVM, the way `bin/mesos-operator server` runs it. */
    static final class OperatorProcess implements AutoCloseable {
        private final Process process;
        private final Path dir;
        private final String api;
        private final String admin;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        private OperatorProcess(Process process, Path dir, String api, String admin) {
            this.process = process;
            this.dir = dir;
            this.api = api;
            this.admin = admin;
        }

        static OperatorProcess start(Path dir, String master, String zk, String root, PrintStream log) throws Exception {
            return start(dir, master, zk, root, Map.of(), log);
        }

        /** @param settings more of the operator's configuration, by dotted path (e.g. monitoring.taskUsageIntervalSeconds) */
        static OperatorProcess start(Path dir, String master, String zk, String root, Map<String, Object> settings,
                                     PrintStream log) throws Exception {
            Files.createDirectories(dir);
            int apiPort = freePort();
            int adminPort = freePort();
            Path config = ServerConfig.from(null)
                    .set("mesos.master", master)
                    .set("mesos.executorUri", ExecutorJar.locate().toUri().toString())
                    .set("mesos.javaCommand", EmbeddedCluster.javaCommand())
                    .set("mesos.executorCpus", 0.01)
                    .set("mesos.executorMemMb", 16)
                    .set("zookeeper.connect", zk)
                    .set("zookeeper.root", root)
                    .set("reconcile.backoffInitialSeconds", BACKOFF.toMillis() / 1000.0)
                    .apply(c -> {
                        settings.forEach(c::set);
                        return c;
                    })
                    .ports("127.0.0.1", apiPort, adminPort)
                    .logging(dir.resolve("operator.log"), false)
                    .write(dir.resolve("operator.yaml"));
            List<String> command = new ArrayList<>(List.of(EmbeddedCluster.javaCommand(), "-Xmx1g"));
            if (Boolean.getBoolean(PROFILE)) {
                // JFR's method sampling, for finding where the operator spends its time (bench --profile)
                command.add("-XX:StartFlightRecording=filename=" + dir.resolve("operator.jfr") + ",settings=profile");
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.mesosoperator.scheduler.Main", "server",
                    "--config", config.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile()).start();
            OperatorProcess operator = new OperatorProcess(p, dir, "http://127.0.0.1:" + apiPort, "http://127.0.0.1:" + adminPort);
            operator.awaitLeading();
            log.printf("operator pid %d, API %s (log %s)%n", p.pid(), operator.api, dir.resolve("operator.log"));
            return operator;
        }

        Path dir() {
            return dir;
        }

        private void awaitLeading() throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the operator exited; see " + dir.resolve("stdout"));
                }
                try {
                    if (metric("mesos_operator_leader") == 1) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("the operator did not lead within 2 minutes; see " + dir);
        }

        long awaitReconciliation(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    double seconds = metric("mesos_operator_reconciliation_last_duration_seconds");
                    if (seconds >= 0) {
                        return Math.round(seconds * 1000);
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("no reconciliation within " + timeout);
        }

        /** The task records the operator keeps (GET /v1/tasks). */
        int taskCount() throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/tasks")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body()).path("items").size();
        }

        void delete(String kind, String name) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/resources/" + kind + "/" + name))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException("delete refused: " + r.statusCode() + " " + r.body());
            }
        }

        void apply(String yaml) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/resources"))
                    .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException("apply refused: " + r.statusCode() + " " + r.body());
            }
        }

        EventWatch watch() {
            return new EventWatch(http, api + "/v1/events?only=status");
        }

        /** One series' value from the operator's Prometheus endpoint, e.g. {@code jvm_memory_used_bytes{area="heap"}}. */
        double metric(String series) throws IOException, InterruptedException {
            return scrape().lines().filter(l -> l.startsWith(series + " ")).findFirst()
                    .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                    .orElseThrow(() -> new IOException("no series " + series));
        }

        /** The operator's Prometheus endpoint, as a scraper reads it. */
        String scrape() throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(admin + "/metrics/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }

        /** Heap in use after a full GC (jcmd GC.run), from the operator's own JVM metrics. */
        long heapAfterGc() throws Exception {
            jcmd("GC.run");
            jcmd("GC.run");
            return (long) metric("jvm_memory_used_bytes{area=\"heap\"}");
        }

        /** A diagnostic command to the operator's JVM (the JDK's jcmd beside this java). */
        private void jcmd(String... command) throws Exception {
            List<String> argv = new ArrayList<>(List.of(Path.of(EmbeddedCluster.javaCommand()).resolveSibling("jcmd").toString(),
                    Long.toString(process.pid())));
            argv.addAll(List.of(command));
            new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(60, TimeUnit.SECONDS);
        }

        /** User + system CPU seconds of the operator's process (Linux /proc). */
        double cpuSeconds() throws IOException {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
        }

        void kill() throws Exception {
            if (Boolean.getBoolean(PROFILE)) {
                // kill -9 loses the recording: dump it first
                jcmd("JFR.dump", "filename=" + dir.resolve("operator-before-kill.jfr"));
            }
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** Follows /v1/events and waits for a status line such as "10000/10000" for a resource. */
    static final class EventWatch implements AutoCloseable {
        private final java.util.concurrent.CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response;
        private final Map<String, Boolean> seen = new ConcurrentHashMap<>();

        EventWatch(HttpClient http, String url) {
            response = http.sendAsync(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofLines());
            response.thenAccept(r -> r.body().forEach(line -> {
                if (line.startsWith("data: ")) {
                    try {
                        JsonNode e = JSON.readTree(line.substring(6));
                        if (e.path("kind").asText().equals("status")) {
                            seen.put(e.path("resource").asText() + " " + e.path("reason").asText(), true);
                        }
                    } catch (IOException ignored) {
                        // not an event line
                    }
                }
            }));
        }

        void await(String resource, String ready, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!seen.containsKey(resource + " " + ready)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(resource + " did not reach " + ready + " within " + timeout);
                }
                Thread.sleep(2);
            }
        }

        @Override
        public void close() {
            response.cancel(true);
            response.thenAccept(r -> r.body().close());
        }
    }


    /** A tiny JVM service: marks itself ready (a file) once main runs, then stays up. */
    static final class Ready {
        private Ready() {}

        static Path compile(Path dir) throws IOException {
            Files.createDirectories(dir);
            Path source = dir.resolve("Ready.java");
            Files.writeString(source, """
                    public class Ready {
                        public static void main(String[] args) throws Exception {
                            java.nio.file.Files.createFile(java.nio.file.Path.of(args[0]));
                            Thread.sleep(Long.MAX_VALUE);
                        }
                    }
                    """);
            javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
            if (javac == null || javac.run(null, null, null, "-d", dir.toString(), source.toString()) != 0) {
                throw new IllegalStateException("cannot compile the benchmark's sample service (needs a JDK)");
            }
            return dir;
        }

        static String javaCommand(Path classes) {
            return EmbeddedCluster.javaCommand() + " -Xmx32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp " + classes + " Ready";
        }
    }
}
