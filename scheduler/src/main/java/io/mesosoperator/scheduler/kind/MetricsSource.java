package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.store.ResourceReads;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What one kind exports of its workload's own metrics and whom it asks (a cluster, a node): the
 * kind's data for the operator's one collector (metrics/WorkloadMetrics), kept in the contract layer
 * so kinds implement it without depending on the collector.
 */
public interface MetricsSource {
    List<Series> series();

    /** The targets to ask this round, from what the operator runs now. */
    List<Target> targets(ResourceReads reads);

    /**
     * One exported series. {@code name} is the Prometheus name; a counter's without {@code _total}
     * (the client adds it). Every sample of it carries values for {@code labels}, in that order.
     */
    public record Series(String name, String help, boolean counter, List<String> labels) {
        public static Series gauge(String name, String help, String... labels) {
            return new Series(name, help, false, List.of(labels));
        }

        public static Series counter(String name, String help, String... labels) {
            return new Series(name, help, true, List.of(labels));
        }

        /** A sample of this series. */
        public Sample sample(double value, String... labelValues) {
            if (labelValues.length != labels.size()) {
                throw new IllegalArgumentException(name + " takes labels " + labels + ", got " + List.of(labelValues));
            }
            return new Sample(name, List.of(labelValues), value);
        }
    }

    /** One value of one series. */
    public record Sample(String series, List<String> labelValues, double value) {}


    /**
     * One thing to ask (a cluster, a node): {@code id} names it in the log and tells it apart from
     * the others across rounds; {@code collect} returns its samples now, or throws when it does not answer.
     */
    public record Target(String id, Callable<List<Sample>> collect) {}
}
