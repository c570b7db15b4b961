package io.mesosoperator.scheduler.metrics;

import io.mesosoperator.scheduler.mesos.AgentStatistics;
import io.mesosoperator.scheduler.mesos.AgentStatistics.ExecutorUsage;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every running task's CPU and memory, from its agent's {@code /monitor/statistics}: each agent that
 * runs tasks of ours is asked every interval (on a thread of its own, never the reconcile loop), and
 * the last answers are exported as {@code mesos_operator_task_cpu_seconds_total} (user and system
 * CPU time) and {@code mesos_operator_task_memory_bytes} (resident memory), labelled by kind,
 * resource name and instance. Only the leader collects (it has the task records); an agent that
 * does not answer leaves its tasks out until it does.
 *
 * <p>Mesos measures containers, that is executors: a command task (Service) is its executor's only
 * task, and so is a task of ours with a volume or with an executor of its own (AkkaService). The instances of a resource that
 * share one of the operator's executors on an agent cannot be told apart, and are not exported.
 */
public final class TaskUsage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskUsage.class);
    /** Where a sandbox path names its framework and executor (slave/paths.cpp: .../frameworks/F/executors/E/runs/...). */
    private static final Pattern SANDBOX = Pattern.compile("/frameworks/([^/]+)/executors/([^/]+)/runs/");
    private static final String[] LABELS = {"kind", "resource", "instance"};

    /** One task's labels and its executor's use. */
    record Sample(String kind, String resource, int instance, double cpuSeconds, long rssBytes) {}

    private final Supplier<ResourceReads> acting;
    private final AgentStatistics agents;
    private volatile List<Sample> samples = List.of();
    private final Rounds rounds;

    /**
     * @param acting   the acting term's reads (null while this instance does not lead)
     * @param interval how often each agent is asked
     */
    public TaskUsage(PrometheusRegistry registry, Supplier<ResourceReads> acting, AgentStatistics agents, Duration interval) {
        this.acting = acting;
        this.agents = agents;
        this.rounds = new Rounds("task-usage", Duration.ZERO, interval, this::collect);
        CounterWithCallback.builder().name("mesos_operator_task_cpu_seconds")
                .help("CPU time (user and system) the task's container used, as its Mesos agent reports it")
                .unit(Unit.SECONDS).labelNames(LABELS)
                .callback(cb -> samples.forEach(s -> cb.call(s.cpuSeconds(), labels(s))))
                .register(registry);
        GaugeWithCallback.builder().name("mesos_operator_task_memory_bytes")
                .help("Resident memory of the task's container, as its Mesos agent reports it")
                .unit(Unit.BYTES).labelNames(LABELS)
                .callback(cb -> samples.forEach(s -> cb.call(s.rssBytes(), labels(s))))
                .register(registry);
    }

    private static String[] labels(Sample s) {
        return new String[] {s.kind(), s.resource(), Integer.toString(s.instance())};
    }

    public void start() {
        rounds.start();
    }

    @Override
    public void close() {
        rounds.close();
    }

    /** One round: asks every agent that runs tasks of ours, and replaces what is exported. */
    void collect() {
        ResourceReads reads = acting.get();
        if (reads == null) {
            samples = List.of();
            return;
        }
        Map<String, List<TaskRecord>> byAgent = reads.tasks().stream()
                .filter(t -> "TASK_RUNNING".equals(t.state()) && t.agentUrl() != null && t.sandbox() != null)
                .collect(Collectors.groupingBy(TaskRecord::agentUrl));
        List<Sample> next = new ArrayList<>();
        byAgent.forEach((agentUrl, tasks) -> {
            try {
                next.addAll(samples(tasks, agents.statistics(agentUrl)));
            } catch (IOException e) {
                LOG.debug("no statistics from agent {}: {}", agentUrl, e.getMessage());
            }
        });
        samples = List.copyOf(next);
    }

    /** The tasks of one agent matched with its executors' use: a task whose executor runs it alone. */
    static List<Sample> samples(List<TaskRecord> tasks, List<ExecutorUsage> usages) {
        Map<String, List<TaskRecord>> byContainer = new HashMap<>();
        for (TaskRecord task : tasks) {
            String container = container(task.sandbox());
            if (container != null) {
                byContainer.computeIfAbsent(container, c -> new ArrayList<>()).add(task);
            }
        }
        List<Sample> out = new ArrayList<>();
        for (ExecutorUsage usage : usages) {
            List<TaskRecord> running = byContainer.get(usage.frameworkId() + "/" + usage.executorId());
            if (running != null && running.size() == 1) {
                TaskRecord task = running.get(0);
                out.add(new Sample(task.resourceKey().kind(), task.resourceKey().name(), task.instance(),
                        usage.cpuSeconds(), usage.rssBytes()));
            }
        }
        return out;
    }

    /** "framework id/executor id" of the container a sandbox path belongs to; null when it names none. */
    static String container(String sandbox) {
        Matcher m = SANDBOX.matcher(sandbox);
        return m.find() ? m.group(1) + "/" + m.group(2) : null;
    }

    /** What the last round found (for tests and the anomaly detection to come). */
    List<Sample> samples() {
        return samples;
    }
}
