package io.mesosoperator.scheduler.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One reconciliation of one resource, and the reads of it every kind makes: the tasks that run,
 * what the previous status reported of the software, the configuration hash, and which tasks the
 * recovery policy has given up on.
 */
public final class Reconciliation {
    private final Resource resource;
    private final Reconciler.Observed observed;
    private final Instant now;
    private final RecoveryPolicy policy;

    public Reconciliation(Resource resource, Reconciler.Observed observed, Instant now, RecoveryPolicy policy) {
        this.resource = resource;
        this.observed = observed;
        this.now = now;
        this.policy = policy;
    }

    public Resource resource() {
        return resource;
    }

    public ResourceKey key() {
        return resource.key();
    }

    public Reconciler.Observed observed() {
        return observed;
    }

    public Instant now() {
        return now;
    }

    /** What the previous reconciliation reported of the software (status.workload); null the first time. */
    public JsonNode previousWorkload() {
        return observed.previousStatus() == null ? null : observed.previousStatus().workload();
    }

    /** The hash of the spec fields that shape a task: a change rolls the instances. */
    public String configHash(KindDefinition kind) {
        return ConfigHash.of(resource.spec(), kind.untaskedFields());
    }

    /** The tasks that run and are not being stopped, by instance (of two, the later one observed). */
    public TreeMap<Integer, TaskRecord> running() {
        return running(t -> true);
    }

    /** {@link #running()}, of the tasks that are also {@code which} (e.g. have a port of some name). */
    public TreeMap<Integer, TaskRecord> running(Predicate<TaskRecord> which) {
        TreeMap<Integer, TaskRecord> running = new TreeMap<>();
        for (TaskRecord t : observed.tasks()) {
            if ("TASK_RUNNING".equals(t.state()) && !t.killRequested() && which.test(t)) {
                running.put(t.instance(), t);
            }
        }
        return running;
    }

    /** The "host:port" of each task's port of this name, by instance; tasks without one are left out. */
    public static TreeMap<Integer, String> addresses(Map<Integer, TaskRecord> tasks, String port) {
        TreeMap<Integer, String> addresses = new TreeMap<>();
        tasks.forEach((instance, t) -> {
            if (t.address(port) != null) {
                addresses.put(instance, t.address(port));
            }
        });
        return addresses;
    }

    /**
     * A task unreachable for longer than the recovery policy waits for its agent: replaced
     * elsewhere (as InstanceSet does), though it never ends while its agent stays away.
     */
    public boolean givenUp(TaskRecord t) {
        return t.unreachable() && t.unreachableSince() != null
                && !now.isBefore(Instant.parse(t.unreachableSince()).plus(policy.replaceUnreachableAfter()));
    }
}
