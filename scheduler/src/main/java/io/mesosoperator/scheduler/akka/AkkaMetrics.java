package io.mesosoperator.scheduler.akka;

import io.mesosoperator.scheduler.kind.MetricsSource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A Pekko (Akka) cluster's membership as metrics: how many members are in each state and how many are
 * unreachable, from the probe's last look at the cluster (Pekko Management's {@code /cluster/members} on one
 * replica, the same answer the status shows). A look older than a few probe intervals, or one that failed,
 * leaves the cluster's series out rather than repeating a stale count.
 */
public final class AkkaMetrics implements MetricsSource {
    private static final String SERVICE = "akkaservice";
    /** The member states Pekko reports, exported even when no member is in them, so a drop to 0 is a value. */
    static final List<String> STATES = List.of("Joining", "WeaklyUp", "Up", "Leaving", "Exiting", "Down", "Removed");
    static final Series MEMBERS = Series.gauge("mesos_operator_akka_members",
            "Members of the Pekko cluster in each state, as its management API reports them", SERVICE, "status");
    static final Series UNREACHABLE = Series.gauge("mesos_operator_akka_unreachable_members",
            "Members some other member cannot reach (the cluster's failure detector)", SERVICE);
    private static final Duration STALE = AkkaProbe.INTERVAL.multipliedBy(5);

    private final AkkaProbe probe;

    public AkkaMetrics(AkkaProbe probe) {
        this.probe = probe;
    }

    @Override
    public List<Series> series() {
        return List.of(MEMBERS, UNREACHABLE);
    }

    @Override
    public List<Target> targets(ResourceReads reads) {
        TreeSet<ResourceKey> services = new TreeSet<>();
        for (TaskRecord t : reads.tasks()) {
            if ("TASK_RUNNING".equals(t.state()) && t.resourceKey().kind().equals(AkkaReconciler.KIND.kind())) {
                services.add(t.resourceKey());
            }
        }
        List<Target> targets = new ArrayList<>();
        services.forEach(key -> targets.add(new Target(key + " members", () -> samples(key, probe.snapshot(key), Instant.now()))));
        return targets;
    }

    static List<Sample> samples(ResourceKey key, AkkaProbe.Snapshot seen, Instant now) {
        if (seen == null || seen.error() != null) {
            throw new IllegalStateException("the cluster's management API has not answered"
                    + (seen == null ? " yet" : ": " + seen.error()));
        }
        if (seen.takenAt().plus(STALE).isBefore(now)) {
            throw new IllegalStateException("the last answer of its management API is from " + seen.takenAt());
        }
        Map<String, Integer> byState = new TreeMap<>();
        STATES.forEach(s -> byState.put(s, 0));
        seen.members().values().forEach(s -> byState.merge(s, 1, Integer::sum));
        List<Sample> samples = new ArrayList<>();
        byState.forEach((state, n) -> samples.add(MEMBERS.sample(n, key.name(), state)));
        samples.add(UNREACHABLE.sample(seen.unreachable().size(), key.name()));
        return samples;
    }
}
