package io.mesosoperator.executor;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.HealthCheck;

/**
 * Runs a task's Mesos HealthCheck (HTTP, TCP or COMMAND) on the schedule it gives, and reports
 * transitions the way the built-in executors do (docs/health-checks.md, src/checks/health_checker.cpp):
 * failures inside the grace period are ignored until the first success, and only until then (a
 * task that was healthy once has no grace left); the first success, every failure and the first
 * success after failures are reported; after consecutive_failures the task is to be killed.
 */
final class HealthChecker {
    interface Listener {
        void healthChanged(boolean healthy, String message);

        void unhealthyTooLong(String message);
    }

    private static final String LOOPBACK = "127.0.0.1";
    private final HealthCheck check;
    private final List<String> addresses;
    private final Path sandbox;
    private final Listener listener;
    private final long startedNanos = System.nanoTime();
    private ScheduledFuture<?> schedule;
    /** Until the first success: failures inside the grace period do not count. Never true again. */
    private boolean initializing = true;
    private int consecutiveFailures;

    /**
     * @param taskHost the address the task was told to serve on (MESOS_OPERATOR_HOST), or null. HTTP
     *                 and TCP checks go to 127.0.0.1 as Mesos' do, and, when nothing listens there,
     *                 to this address: on a real agent a broker bound to the agent's address is not
     *                 on the loopback.
     */
    HealthChecker(HealthCheck check, Path sandbox, String taskHost, Listener listener) {
        this.check = check;
        this.addresses = taskHost == null || taskHost.isBlank() || taskHost.equals(LOOPBACK)
                ? List.of(LOOPBACK) : List.of(LOOPBACK, taskHost);
        this.sandbox = sandbox;
        this.listener = listener;
    }

    void start(ScheduledExecutorService timer) {
        long delayMs = (long) (check.getDelaySeconds() * 1000);
        long intervalMs = Math.max(100, (long) (check.getIntervalSeconds() * 1000));
        schedule = timer.scheduleWithFixedDelay(this::runOnce, delayMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    private void runOnce() {
        String failure;
        try {
            failure = probe();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (failure == null) {
            boolean changed = initializing || consecutiveFailures > 0;
            initializing = false;
            consecutiveFailures = 0;
            if (changed) {
                listener.healthChanged(true, "health check passed");
            }
            return;
        }
        double sinceStart = (System.nanoTime() - startedNanos) / 1e9;
        if (initializing && sinceStart < check.getGracePeriodSeconds()) {
            return; // still starting up: failures inside the grace period do not count
        }
        consecutiveFailures++;
        String message = "health check failed " + consecutiveFailures + " time(s) in a row: " + failure;
        listener.healthChanged(false, message);
        if (consecutiveFailures >= check.getConsecutiveFailures()) {
            stop();
            listener.unhealthyTooLong(message);
        }
    }

    /** One HTTP or TCP check at one address: null when healthy, else why not. */
    private interface AddressProbe {
        String at(String address) throws IOException;
    }

    /** The answer of the first of {@link #addresses} where something listens; refused if none does. */
    private String firstListening(AddressProbe probe) throws IOException {
        java.net.ConnectException refused = null;
        for (String address : addresses) {
            try {
                return probe.at(address);
            } catch (java.net.ConnectException e) {
                refused = e; // nothing listens at this address: try the next
            }
        }
        throw refused;
    }

    /** Null when healthy, else why not. */
    private String probe() throws IOException, InterruptedException {
        Duration timeout = check.getTimeoutSeconds() > 0
                ? Duration.ofMillis((long) (check.getTimeoutSeconds() * 1000)) : Duration.ofDays(1);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        switch (check.getType()) {
            case HTTP -> {
                HealthCheck.HTTPCheckInfo info = check.getHttp();
                String scheme = info.hasScheme() ? info.getScheme() : "http";
                String path = info.getPath().isEmpty() ? "/" : info.getPath();
                return firstListening(address -> {
                    URI uri = URI.create(scheme + "://" + address + ":" + info.getPort() + (path.startsWith("/") ? path : "/" + path));
                    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
                    connection.setConnectTimeout(millis);
                    connection.setReadTimeout(millis);
                    connection.setInstanceFollowRedirects(false); // a 3xx answer counts as healthy, as in Mesos
                    int status;
                    try {
                        status = connection.getResponseCode();
                    } finally {
                        connection.disconnect();
                    }
                    boolean ok = info.getStatusesCount() > 0 ? info.getStatusesList().contains(status)
                            : status >= 200 && status < 400;
                    return ok ? null : "HTTP " + status + " from " + uri;
                });
            }
            case TCP -> {
                return firstListening(address -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(address, check.getTcp().getPort()), millis);
                        return null;
                    }
                });
            }
            case COMMAND -> {
                Process p = new ProcessBuilder("/bin/sh", "-c", check.getCommand().getValue())
                        .directory(sandbox.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return "command timed out after " + timeout.toSeconds() + "s";
                }
                return p.exitValue() == 0 ? null : "command exited with status " + p.exitValue();
            }
            default -> {
                return "unsupported health check type " + check.getType();
            }
        }
    }
}
