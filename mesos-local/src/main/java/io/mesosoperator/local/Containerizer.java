package io.mesosoperator.local;

import io.mesosoperator.executor.InProcessCommandExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Mesos containerizer does for a {@link LocalAgent}: prepares an executor's sandbox (the
 * fetcher, off the agent's thread), starts its container with the environment a Mesos agent gives
 * an executor, and keeps persistent volumes under the work dir, linked into the sandboxes of the
 * tasks that use them. When to start and what to do when a container ends is
 * {@link AgentExecutors}'.
 */
final class Containerizer implements AutoCloseable {
    /** The agent's logger: log filters know these messages by its name. */
    private static final Logger LOG = LoggerFactory.getLogger(LocalAgent.class);

    private final LocalAgent.Config config;
    /** The agent's address as executors reach it, once it listens. */
    private final Supplier<String> endpoint;
    private final ExecutorService fetchers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mesos-local-fetcher");
        t.setDaemon(true);
        return t;
    });

    Containerizer(LocalAgent.Config config, Supplier<String> endpoint) {
        this.config = config;
        this.endpoint = endpoint;
    }

    /** Creates the sandbox and fetches the executor's URIs into it, on a fetcher thread. */
    CompletableFuture<Void> fetch(ExecutorRun ex) {
        return CompletableFuture.runAsync(() -> {
            try {
                Files.createDirectories(ex.sandbox);
                AgentFiles.linkLatestRun(ex.sandbox);
                for (CommandInfo.URI uri : ex.info.getCommand().getUrisList()) {
                    Fetcher.fetch(uri, ex.sandbox);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while fetching", e);
            }
        }, fetchers);
    }

    /** Starts the executor in its fetched sandbox: a child process, or the command executor in this JVM. */
    ExecutorContainer spawn(ExecutorRun ex, String agentId) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        ex.info.getCommand().getEnvironment().getVariablesList().forEach(v -> env.put(v.getName(), v.getValue()));
        env.put("MESOS_FRAMEWORK_ID", ex.frameworkId());
        env.put("MESOS_EXECUTOR_ID", ex.executorId());
        env.put("MESOS_DIRECTORY", ex.sandbox.toString());
        env.put("MESOS_SANDBOX", ex.sandbox.toString());
        env.put("MESOS_SLAVE_ID", agentId);
        env.put("MESOS_SLAVE_PID", "slave(1)@" + endpoint.get());
        env.put("MESOS_AGENT_ENDPOINT", endpoint.get());
        env.put("MESOS_CHECKPOINT", ex.framework.getCheckpoint() ? "1" : "0");
        env.put("MESOS_HTTP_COMMAND_EXECUTOR", ex.commandExecutor ? "1" : "0");
        env.put("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", shutdownGracePeriod(ex).toSeconds() + "secs");
        env.put("LIBPROCESS_IP", config.host());
        env.put("LIBPROCESS_PORT", "0");
        if (ex.framework.getCheckpoint()) {
            env.put("MESOS_RECOVERY_TIMEOUT", "15mins");
            env.put("MESOS_SUBSCRIPTION_BACKOFF_MAX", "2secs");
        }
        if (ex.commandExecutor) {
            return ExecutorContainer.of(InProcessCommandExecutor.start(env, ex.sandbox.resolve("stderr")));
        }
        return ExecutorContainer.start(ex.info.getCommand(), ex.sandbox, env);
    }

    /** The executor's own (ExecutorInfo.shutdown_grace_period, as a command executor's is), else the agent's flag. */
    Duration shutdownGracePeriod(ExecutorRun ex) {
        if (ex.info.hasShutdownGracePeriod()) {
            return Duration.ofNanos(ex.info.getShutdownGracePeriod().getNanoseconds());
        }
        return config.shutdownGracePeriod();
    }

    // ---------------------------------------------------------------- persistent volumes

    /** A persistent volume's directory: under the agent's work dir, outliving every sandbox. */
    Path volumeDir(String role, String persistenceId) {
        return config.workDir().resolve(Path.of("volumes", "roles", role.replace('/', '_'), persistenceId));
    }

    void createVolume(String role, String persistenceId) {
        try {
            Files.createDirectories(volumeDir(role, persistenceId));
        } catch (IOException e) {
            LOG.error("agent {}: cannot create volume {}", config.name(), persistenceId, e);
        }
    }

    void destroyVolume(String role, String persistenceId) {
        Path dir = volumeDir(role, persistenceId);
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("agent {}: cannot remove volume {}: {}", config.name(), persistenceId, e.getMessage());
        }
    }

    /** Makes each persistent volume a task uses visible at its container_path in the sandbox. */
    void linkVolumes(ExecutorRun ex, TaskInfo task) throws IOException {
        for (Resource r : task.getResourcesList()) {
            if (r.hasDisk() && r.getDisk().hasPersistence() && r.getDisk().hasVolume()) {
                Resources.Slot slot = Resources.slotOf(r);
                Path link = ex.sandbox.resolve(slot.containerPath());
                if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, volumeDir(slot.role(), slot.persistenceId()));
                }
            }
        }
    }

    @Override
    public void close() {
        fetchers.shutdownNow();
    }
}
