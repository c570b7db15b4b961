package io.mesosoperator.scheduler.metrics;

import io.mesosoperator.scheduler.kind.MetricsSource;
import io.mesosoperator.scheduler.kind.MetricsSource.Sample;
import io.mesosoperator.scheduler.kind.MetricsSource.Series;
import io.mesosoperator.scheduler.kind.MetricsSource.Target;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workloads' own metrics (a Kafka cluster's consumer lag, a Cassandra node's pending
 * compactions, ...), collected by the operator itself: no agent to install. One mechanism for
 * every kind: each kind is a {@link MetricsSource} that says, as data, which series it exports and, per
 * round, which targets to ask (a cluster, a node); one thread asks them all every interval, each
 * call bounded by a timeout, and the last answers are what Prometheus scrapes. Only the leader
 * collects (it has the task records). A target that does not answer leaves its series out until
 * it does, and is logged once when it stops answering and once when it answers again.
 */
public final class WorkloadMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadMetrics.class);

    private final Supplier<ResourceReads> acting;
    private final List<MetricsSource> sources;
    private final Duration timeout;
    private final Set<String> failing = new HashSet<>();
    private volatile Map<String, List<Sample>> current = Map.of();
    private final Rounds rounds;
    /** Where the calls run, so that one that hangs past its timeout can be abandoned (and its thread interrupted). */
    private ExecutorService calls;

    /**
     * @param acting   the acting term's reads (null while this instance does not lead)
     * @param interval how often every target is asked
     * @param timeout  how long one target may take to answer
     */
    public WorkloadMetrics(PrometheusRegistry registry, Supplier<ResourceReads> acting, List<MetricsSource> sources,
                           Duration interval, Duration timeout) {
        this.acting = acting;
        this.sources = List.copyOf(sources);
        this.rounds = new Rounds("workload-metrics", Duration.ZERO, interval, this::collect);
        this.timeout = timeout;
        Map<String, Series> registered = new HashMap<>();
        for (MetricsSource source : sources) {
            for (Series s : source.series()) {
                // a series several kinds export (a JVM's heap) is registered once; their samples meet in it
                Series same = registered.putIfAbsent(s.name(), s);
                if (same != null) {
                    if (!same.equals(s)) {
                        throw new IllegalArgumentException("series " + s.name() + " is defined twice, differently: "
                                + same + " and " + s);
                    }
                    continue;
                }
                String[] labels = s.labels().toArray(String[]::new);
                if (s.counter()) {
                    CounterWithCallback.builder().name(s.name()).help(s.help()).labelNames(labels)
                            .callback(cb -> samples(s.name()).forEach(x -> cb.call(x.value(), values(x))))
                            .register(registry);
                } else {
                    GaugeWithCallback.builder().name(s.name()).help(s.help()).labelNames(labels)
                            .callback(cb -> samples(s.name()).forEach(x -> cb.call(x.value(), values(x))))
                            .register(registry);
                }
            }
        }
    }

    private static String[] values(Sample s) {
        return s.labelValues().toArray(String[]::new);
    }

    /** The last round's samples of one series. */
    List<Sample> samples(String series) {
        return current.getOrDefault(series, List.of());
    }

    public void start() {
        rounds.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public synchronized void close() {
        rounds.close();
        if (calls != null) {
            calls.shutdownNow();
            calls = null;
        }
    }

    /** One round: asks every target of every source, and replaces what is exported. */
    void collect() {
        ResourceReads reads = acting.get();
        if (reads == null) {
            current = Map.of();
            return;
        }
        Map<String, List<Sample>> next = new HashMap<>();
        Set<String> asked = new HashSet<>();
        for (MetricsSource source : sources) {
            for (Target target : source.targets(reads)) {
                asked.add(target.id());
                List<Sample> samples = ask(target);
                if (samples != null) {
                    samples.forEach(s -> next.computeIfAbsent(s.series(), n -> new ArrayList<>()).add(s));
                }
            }
        }
        failing.retainAll(asked); // a target gone (deleted, stopped) is forgotten
        Map<String, List<Sample>> frozen = new HashMap<>();
        next.forEach((series, samples) -> frozen.put(series, List.copyOf(samples)));
        current = Map.copyOf(frozen);
    }

    /** The target's samples, or null when it did not answer in time. */
    private List<Sample> ask(Target target) {
        try {
            List<Sample> samples = call(target.collect());
            if (failing.remove(target.id())) {
                LOG.info("workload metrics of {} are collected again", target.id());
            }
            return samples;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String why = e instanceof TimeoutException ? "no answer within " + timeout.toMillis() + " ms"
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            if (failing.add(target.id())) {
                LOG.warn("no workload metrics from {} (its series are left out until it answers): {}", target.id(), why);
            } else {
                LOG.debug("still no workload metrics from {}: {}", target.id(), why);
            }
            return null;
        }
    }

    private synchronized <T> T call(Callable<T> work) throws Exception {
        if (calls == null) {
            calls = Executors.newSingleThreadExecutor(r -> daemon(r, "workload-metrics-call"));
        }
        Future<T> answer = calls.submit(work);
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            calls.shutdownNow(); // abandon the hanging call; the next one gets a fresh thread
            calls = null;
            throw e;
        }
    }
}
