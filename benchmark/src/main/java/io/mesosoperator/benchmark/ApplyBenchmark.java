package io.mesosoperator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.benchmark.Benchmark.Row;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API under several writers at once: how long an apply takes (p50/p99) with 1, 4 and 16
 * writers updating the same few resources, half of them conditioned on the resourceVersion they
 * read (a 409 makes them read again and retry), and the largest spec the API accepts.
 */
final class ApplyBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The writers share this many resources, so they contend. */
    private static final int RESOURCES = 4;
    private static final int[] WRITERS = {1, 4, 16};

    private final String api;
    private final int updatesPerWriter;
    private final PrintStream log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    ApplyBenchmark(String api, int updatesPerWriter, PrintStream log) {
        this.api = api;
        this.updatesPerWriter = updatesPerWriter;
        this.log = log;
    }

    List<Row> run() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < RESOURCES; r++) {
            post(spec("apply-" + r, "start", null, 0));
        }
        double singleP50 = 0;
        for (int writers : WRITERS) {
            Latencies l = concurrentUpdates(writers);
            if (writers == 1) {
                singleP50 = l.p50();
            }
            rows.add(new Row(String.format(Locale.ROOT, "apply latency, %d concurrent writer%s on %d resources", writers,
                            writers == 1 ? "" : "s", RESOURCES),
                    String.format(Locale.ROOT, "%s; p50 %.1fx one writer's; %d conflicts (409) retried", l.describe(),
                            l.p50() / singleP50, l.conflicts()), ""));
        }
        rows.add(largestSpec());
        for (int r = 0; r < RESOURCES; r++) {
            delete("apply-" + r);
        }
        return rows;
    }

    private record Latencies(List<Double> millis, int conflicts) {
        double p50() {
            return percentile(0.50);
        }

        double percentile(double p) {
            List<Double> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            return sorted.get((int) Math.ceil(p * (sorted.size() - 1)));
        }

        String describe() {
            return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms (%d applies)", p50(), percentile(0.99), millis.size());
        }
    }

    /**
     * {@code writers} threads, each applying {@code updatesPerWriter} changed specs: even writers
     * read the resource first and send its resourceVersion (retrying after a 409), odd writers
     * send none (last writer wins). Every POST's time counts, a refused one too.
     */
    private Latencies concurrentUpdates(int writers) throws Exception {
        List<Double> millis = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int u = 0; u < updatesPerWriter; u++) {
                        String name = "apply-" + ((writer + u) % RESOURCES);
                        String value = "w" + writer + "-u" + u;
                        while (true) {
                            String version = writer % 2 == 0 ? resourceVersion(name) : null;
                            long start = System.nanoTime();
                            int status = post(spec(name, value, version, 0));
                            millis.add((System.nanoTime() - start) / 1e6);
                            if (status != 409) {
                                break;
                            }
                            conflicts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        log.printf("  %d writer(s): %d applies, %d conflicts%n", writers, millis.size(), conflicts.get());
        return new Latencies(new ArrayList<>(millis), conflicts.get());
    }

    /** The longest env value a spec may carry (found by bisection between accepted and 413), and its apply time. */
    private Row largestSpec() throws Exception {
        int accepted = 1_000;
        int refused = 1_100_000; // over ZooKeeper's 1 MiB request: never accepted
        while (refused - accepted > 1_024) {
            int mid = (accepted + refused) / 2;
            int status = post(spec("apply-largest", "x".repeat(mid), null, 0));
            if (status / 100 == 2) {
                accepted = mid;
            } else if (status == 413) {
                refused = mid;
            } else {
                throw new IllegalStateException("a large spec answered " + status + ", expected 2xx or 413");
            }
        }
        String largest = spec("apply-largest", "x".repeat(accepted), null, 0);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            post(spec("apply-largest", "y".repeat(accepted - 1) + i, null, 0));
            millis.add((System.nanoTime() - start) / 1e6);
        }
        delete("apply-largest");
        Collections.sort(millis);
        return new Row("largest spec accepted", String.format(Locale.ROOT,
                "%,d bytes (YAML); %,d bytes more is refused with 413; applying it takes %.1f ms (median of 5)",
                largest.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, refused - accepted, millis.get(2)),
                "below ZooKeeper's 1 MiB");
    }

    private static String spec(String name, String value, String resourceVersion, int instances) {
        return """
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata: {name: %s%s}
                spec:
                  instances: %d
                  cpus: 0.01
                  mem: 16
                  command: sleep 3600
                  env: {VALUE: "%s"}
                """.formatted(name, resourceVersion == null ? "" : ", resourceVersion: '" + resourceVersion + "'",
                instances, value);
    }

    private String resourceVersion(String name) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/resources/Service/" + name)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        return body.path("metadata").path("resourceVersion").asText();
    }

    private int post(String yaml) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/resources"))
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2 && r.statusCode() != 409 && r.statusCode() != 413) {
            throw new IllegalStateException("apply answered " + r.statusCode() + ": " + r.body());
        }
        return r.statusCode();
    }

    private void delete(String name) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(api + "/v1/resources/Service/" + name)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
