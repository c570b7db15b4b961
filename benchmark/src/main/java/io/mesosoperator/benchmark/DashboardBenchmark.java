package io.mesosoperator.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard with many resources and tasks, in headless Chromium (Debian's chromium and
 * chromedriver, found on the PATH): how long the overview takes to list them all, how long a spec
 * change takes to show, and whether the page stays responsive while thousands of changes stream in
 * (the longest stall of its event loop and the main-thread time taken by long tasks, measured in
 * the page itself).
 */
final class DashboardBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** In the page: how late a 50 ms timer fires at worst, and the long tasks (> 50 ms) the browser reports. */
    private static final String PROBE = """
            window.probe = {maxLag: 0, longTasks: 0, longTaskMs: 0, maxTask: 0};
            let last = performance.now();
            setInterval(() => {
              const now = performance.now();
              window.probe.maxLag = Math.max(window.probe.maxLag, now - last - 50);
              last = now;
            }, 50);
            new PerformanceObserver(list => list.getEntries().forEach(e => {
              window.probe.longTasks++;
              window.probe.longTaskMs += e.duration;
              window.probe.maxTask = Math.max(window.probe.maxTask, e.duration);
            })).observe({type: 'longtask', buffered: false});
            """;

    private final String api;
    private final List<String> names;
    private final int instances;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    DashboardBenchmark(String api, List<String> names, int instances) {
        this.api = api;
        this.names = names;
        this.instances = instances;
    }

    static boolean browserInstalled() {
        return onPath("chromium").isPresent() && onPath("chromedriver").isPresent();
    }

    private static Optional<Path> onPath(String name) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable).findFirst();
    }

    List<Benchmark.Row> run() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(onPath("chromium").orElseThrow().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(onPath("chromedriver").orElseThrow().toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        List<Benchmark.Row> rows = new ArrayList<>();
        String scope = String.format(Locale.ROOT, "%d resources, %,d tasks", names.size(), names.size() * instances);
        try {
            long start = System.nanoTime();
            browser.get(api + "/");
            awaitPage(browser, allReady(instances), Duration.ofMinutes(2));
            rows.add(new Benchmark.Row("dashboard: page opened to every resource listed ready (" + scope + ")",
                    String.format(Locale.ROOT, "%.0f ms", (System.nanoTime() - start) / 1e6), ""));

            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long generation = apply(names.get(0), i % 2 == 0 ? instances + 1 : instances); // a scale: a new generation
                long applied = System.nanoTime();
                awaitPage(browser, "return document.querySelector(\"tr[data-resource='Service/" + names.get(0)
                        + "'] td[data-label='Generation']\").textContent.startsWith('" + generation + " /')", Duration.ofSeconds(30));
                latencies.add((System.nanoTime() - applied) / 1e6);
            }
            latencies.sort(null);
            rows.add(new Benchmark.Row("dashboard: an accepted spec change shown on the overview (" + scope + ")",
                    String.format(Locale.ROOT, "median %.0f ms, max %.0f ms (10 changes)", latencies.get(latencies.size() / 2),
                            latencies.get(latencies.size() - 1)), ""));

            // a burst: every resource doubled at once, so thousands of task and status changes stream in
            ((JavascriptExecutor) browser).executeScript(PROBE);
            long burst = System.nanoTime();
            for (String name : names) {
                apply(name, instances * 2);
            }
            awaitPage(browser, allReady(instances * 2), Duration.ofMinutes(5));
            double seconds = (System.nanoTime() - burst) / 1e9;
            @SuppressWarnings("unchecked")
            Map<String, Object> probe = (Map<String, Object>) ((JavascriptExecutor) browser).executeScript("return window.probe");
            rows.add(new Benchmark.Row(String.format(Locale.ROOT,
                            "dashboard: responsiveness while every resource doubles (%,d launches in %.1f s, on the page)",
                            names.size() * instances, seconds),
                    String.format(Locale.ROOT, "event loop stalled %.0f ms at most; long tasks %.0f ms of main thread (%s, longest %.0f ms)",
                            number(probe.get("maxLag")), number(probe.get("longTaskMs")), probe.get("longTasks"), number(probe.get("maxTask"))),
                    "no stall over 1 s"));
            Object heap = ((JavascriptExecutor) browser).executeScript("return performance.memory ? performance.memory.usedJSHeapSize : null");
            if (heap != null) {
                rows.add(new Benchmark.Row("dashboard: the page's JavaScript heap (" + names.size() + " resources, "
                        + String.format(Locale.ROOT, "%,d", names.size() * instances * 2) + " tasks)",
                        String.format(Locale.ROOT, "%.1f MiB", number(heap) / 1048576.0), ""));
            }
        } finally {
            browser.quit();
        }
        return rows;
    }

    private static double number(Object value) {
        return value == null ? 0 : ((Number) value).doubleValue();
    }

    /** A script that is true once the overview lists every resource with {@code n}/{@code n} ready. */
    private String allReady(int n) {
        return "const rows = document.querySelectorAll('#resources tr'); return rows.length === " + names.size()
                + " && [...rows].every(r => r.querySelector('.ready').textContent === '" + n + "/" + n + "')";
    }

    private static void awaitPage(WebDriver browser, String script, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript(script))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the dashboard did not get there within " + timeout + ": " + script);
            }
            Thread.sleep(20);
        }
    }

    /** Applies the Service with {@code count} instances; its new generation. */
    private long apply(String name, int count) throws Exception {
        String yaml = """
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata: {name: %s}
                spec: {instances: %d, cpus: 0.01, mem: 16, command: sleep 3600}
                """.formatted(name, count);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/resources"))
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException("apply refused: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("metadata").path("generation").asLong();
    }
}
