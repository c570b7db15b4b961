package io.mesosoperator.benchmark;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fast-data sample as a user runs it (issue 19's figures): {@code bin/mesos-operator up}, then
 * {@code bin/mesos-operator apply -f sample-specs/fast-data/}. It measures the time from that apply to the first
 * event's total being readable through the query service, then the end-to-end latency of events at a steady
 * rate: from the start of the ingest POST that carried a probe event to the query service answering a total that
 * includes it. Prints rows; nothing is asserted.
 *
 * <p>Probe events all go to one key whose count is their sequence number, so one GET tells which probes are
 * visible; load events go to 50 other keys beside them.
 */
public final class FastDataBenchmark {
    private static final String PROBE_KEY = "bench-probe";
    private static final Duration TICK = Duration.ofMillis(100);
    private static final int LOAD_PER_TICK = 20;
    private static final long RATE = (LOAD_PER_TICK + 1) * 1000 / TICK.toMillis();
    private static final Duration START = Duration.ofMinutes(10);
    private static final Duration CATCH_UP = Duration.ofMinutes(3);

    private final Path repo;
    private final Path work;
    private final Duration steady;
    private final PrintStream log;
    private final List<Benchmark.Row> rows;

    /**
     * @param repo   the repository root (bin/mesos-operator and sample-specs/fast-data/ in it, built)
     * @param steady how long events flow at the steady rate
     */
    public FastDataBenchmark(Path repo, Path work, Duration steady, PrintStream log) {
        this.repo = repo.toAbsolutePath().normalize();
        this.work = work.toAbsolutePath().resolve("fast-data-" + System.currentTimeMillis());
        this.steady = steady;
        this.log = log;
        this.rows = Benchmark.loggedRows(log);
    }

    public List<Benchmark.Row> run() throws Exception {
        Benchmark.deleteEarlierRuns(work.getParent(), "fast-data-");
        try (UpProcess up = UpProcess.start(repo, work, 4, START)) {
            log.printf("%n== the fast-data sample: apply -f sample-specs/fast-data/ (operator log: %s)%n", up.log());
            long applied = System.nanoTime();
            up.cli("apply", "-f", "sample-specs/fast-data/");
            firstTotal(up, applied);
            steadyLatency(up);
        }
        return rows;
    }

    /** Sends one event as soon as the ingest takes it, and waits for its total. */
    private void firstTotal(UpProcess up, long applied) throws Exception {
        UpProcess.waitFor("the ingest service to acknowledge a first event", START, () -> {
            String ingest = up.serviceUrl("fastdata-ingest");
            return ingest != null && up.post(ingest + "/events", "{\"key\": \"bench-first\", \"value\": 1}\n") == 202;
        });
        long accepted = System.nanoTime();
        UpProcess.waitFor("the first event's total", START, () -> {
            String query = up.serviceUrl("fastdata-query");
            return query != null && count(up, query, "bench-first") >= 1;
        });
        long readable = System.nanoTime();
        row("apply -f sample-specs/fast-data/ -> first event's total readable", seconds(readable - applied));
        row("  of which: apply -> the ingest acknowledged the first event", seconds(accepted - applied));
    }

    /** Events at a steady rate, a probe among them every tick; the latency of each probe. */
    private void steadyLatency(UpProcess up) throws Exception {
        String ingest = up.serviceUrl("fastdata-ingest");
        String query = up.serviceUrl("fastdata-query");
        ConcurrentHashMap<Integer, Long> sentAt = new ConcurrentHashMap<>();
        AtomicInteger probes = new AtomicInteger();
        AtomicLong refused = new AtomicLong();
        long end = System.nanoTime() + steady.toNanos();
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        sender.scheduleAtFixedRate(() -> {
            if (System.nanoTime() > end) {
                return;
            }
            int probe = probes.get() + 1;
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < LOAD_PER_TICK; i++) {
                body.append("{\"key\": \"key-").append((probe * LOAD_PER_TICK + i) % 50).append("\", \"value\": 1}\n");
            }
            body.append("{\"key\": \"").append(PROBE_KEY).append("\", \"value\": 1}\n");
            long start = System.nanoTime();
            try {
                if (up.post(ingest + "/events", body.toString()) == 202) {
                    sentAt.put(probe, start);
                    probes.set(probe);
                } else {
                    refused.incrementAndGet();
                }
            } catch (Exception e) {
                refused.incrementAndGet();
            }
        }, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        log.printf("   %d s at %d events/s (%d load + 1 probe every %d ms)%n", steady.toSeconds(), RATE,
                LOAD_PER_TICK, TICK.toMillis());
        List<Double> latencies = new ArrayList<>();
        int seen = 0;
        long deadline = end + CATCH_UP.toNanos();
        try {
            while (System.nanoTime() < deadline && (System.nanoTime() < end || seen < probes.get())) {
                long count = count(up, query, PROBE_KEY);
                long now = System.nanoTime();
                for (int p = seen + 1; p <= count && p <= probes.get(); p++) {
                    latencies.add((now - sentAt.get(p)) / 1e6);
                    seen = p;
                }
                Thread.sleep(25);
            }
        } finally {
            sender.shutdownNow();
        }
        if (seen < probes.get()) {
            throw new IllegalStateException((probes.get() - seen) + " of " + probes.get()
                    + " probe events never became readable within " + CATCH_UP.toSeconds() + " s");
        }
        row(String.format(Locale.ROOT, "event latency at %d events/s, ingest POST -> total readable, p50 / p99", RATE),
                Benchmark.percentiles(latencies) + (refused.get() > 0 ? ", " + refused.get() + " requests refused" : ""));
    }

    private static long count(UpProcess up, String query, String key) throws Exception {
        var r = up.get(query + "/totals/" + key);
        return r.statusCode() == 200 ? UpProcess.JSON.readTree(r.body()).path("count").asLong() : 0;
    }

    private void row(String what, String value) {
        rows.add(new Benchmark.Row(what, value, ""));
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
