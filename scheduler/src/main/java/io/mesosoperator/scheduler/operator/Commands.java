package io.mesosoperator.scheduler.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.events.EventRecorder;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.mesos.FrameworkIdentity;
import io.mesosoperator.scheduler.operator.Operator.Applied;
import io.mesosoperator.scheduler.operator.Operator.NotActing;
import io.mesosoperator.scheduler.operator.Operator.PlanAction;
import io.mesosoperator.scheduler.placement.OfferRound;
import io.mesosoperator.scheduler.placement.Reservations;
import io.mesosoperator.scheduler.spec.ReferenceGraph;
import io.mesosoperator.scheduler.spec.References;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecChange;
import io.mesosoperator.scheduler.store.DeposedException;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.ResourceVersionConflict;
import io.mesosoperator.scheduler.store.Store;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What users ask of the acting operator through the API. Spec writes (apply, delete) are stored
 * first and run on the API's thread, one at a time; the commands on running work (restart,
 * replace, kill, plan control) run on the loop thread, which the caller waits for. A term that
 * ended (leadership lost, or deposed by a newer one) refuses them all with {@link NotActing}.
 *
 * <p>Spec writes, delete and plan control may name the resourceVersion they were based on (read
 * from the API): when it is not the current one they throw {@link ResourceVersionConflict} and
 * change nothing. They check it first (a stale write is refused whatever it would have done), and
 * the store checks it again atomically with the write.
 */
final class Commands {
    /** Logs under the Operator's name: these lines were its own before it was split. */
    private static final Logger LOG = LoggerFactory.getLogger(Operator.class);
    /** An apply without a resourceVersion whose basis changed in the store meanwhile starts again from the store's. */
    private static final int APPLY_ATTEMPTS = 3;

    private final OperatorState state;
    private final Store store;
    private final FrameworkIdentity identity;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final EventRecorder events;
    private final ControlLoop control;
    private final Reservations reservations;
    private final OfferRound offerRound;

    Commands(OperatorState state, Store store, FrameworkIdentity identity, Clock clock, ScheduledExecutorService loop,
             EventRecorder events, ControlLoop control, Reservations reservations, OfferRound offerRound) {
        this.state = state;
        this.store = store;
        this.identity = identity;
        this.clock = clock;
        this.loop = loop;
        this.events = events;
        this.control = control;
        this.reservations = reservations;
        this.offerRound = offerRound;
    }

    /**
     * Stores a validated document as the new desired state (ZooKeeper first) and enqueues it; with
     * a {@code metadata.resourceVersion}, only if it is the current one (it is not stored).
     */
    synchronized Applied apply(ObjectNode validated) {
        if (loop.isShutdown()) {
            throw new NotActing();
        }
        ResourceKey key = new ResourceKey(validated.path("kind").asText(), validated.path("metadata").path("name").asText());
        String expected = takeResourceVersion(validated);
        for (int attempt = 1; ; attempt++) {
            try {
                return applyOnce(key, validated.deepCopy(), expected);
            } catch (ResourceVersionConflict e) {
                if (expected != null || attempt == APPLY_ATTEMPTS) {
                    throw e;
                }
                // the store's spec is not the one this generation was counted from (another writer
                // got there first): count again from the store's, so no accepted change is lost
                reload(key);
            } catch (DeposedException e) {
                throw new NotActing();
            }
        }
    }

    private Applied applyOnce(ResourceKey key, ObjectNode validated, String expected) {
        Resource current = state.resources.get(key);
        requireVersion(key, current, expected);
        Reconciler reconciler = state.reconciler(key.kind());
        // a field the kind fixes once the resource exists, then the kind's own checks (knowing what runs)
        List<io.mesosoperator.scheduler.spec.FieldError> problems = new ArrayList<>(SpecChange.forbidden(
                current == null ? null : current.spec(), validated.path("spec"), reconciler.kind()));
        problems.addAll(reconciler.check(new Resource(validated), current, identity.role()));
        problems.addAll(referenceCycle(key, validated));
        if (!problems.isEmpty()) {
            throw new io.mesosoperator.scheduler.spec.InvalidSpecException(problems);
        }
        SpecChange change = SpecChange.classify(current == null ? null : current.spec(), validated.path("spec"),
                reconciler.kind());
        if (change == SpecChange.NO_OP && current.metadata().path("labels").equals(validated.path("metadata").path("labels"))
                && current.metadata().path("annotations").equals(validated.path("metadata").path("annotations"))) {
            return new Applied(current, change);
        }
        ObjectNode metadata = (ObjectNode) validated.get("metadata");
        long generation = current == null ? 1 : current.generation() + (change == SpecChange.NO_OP ? 0 : 1);
        metadata.put("generation", generation);
        metadata.put("creationTimestamp", current == null ? clock.instant().toString()
                : current.metadata().path("creationTimestamp").asText());
        metadata.put("uid", current == null ? UUID.randomUUID().toString() : current.metadata().path("uid").asText());
        Resource next = store.putResource(new Resource(validated), change.verb(), current, expected);
        state.resources.put(key, next);
        LOG.info("{} {} (generation {})", key, change.verb(), generation);
        events.record(key, "Normal", "Spec" + capitalize(change.verb()), "generation " + generation + " accepted ("
                + change.name().toLowerCase().replace('_', ' ') + ")");
        if (change == SpecChange.ROLLING_UPDATE) {
            // a new configuration gets a fresh start: no backoff inherited from the old one's crashes
            loop.execute(() -> forgetFailures(key));
        }
        control.enqueue(key);
        return new Applied(next, change);
    }

    /**
     * A reference of the new spec that leads back to it through the accepted resources (Service/b
     * takes from Service/a, which takes from Service/b): they would wait for each other for ever.
     */
    private List<io.mesosoperator.scheduler.spec.FieldError> referenceCycle(ResourceKey key, ObjectNode validated) {
        java.util.function.Function<ResourceKey, java.util.Set<ResourceKey>> targets = k -> k.equals(key)
                ? References.targets(validated.path("spec"))
                : state.resources.containsKey(k) ? References.targets(state.resources.get(k).spec()) : java.util.Set.of();
        List<ResourceKey> cycle = ReferenceGraph.cycleThrough(key, targets);
        if (cycle.isEmpty()) {
            return List.of();
        }
        References.Reference first = References.in(validated.path("spec")).stream()
                .filter(r -> r.resource().equals(cycle.get(1))).findFirst().orElseThrow();
        return List.of(io.mesosoperator.scheduler.spec.FieldError.of(first.path() + "." + References.VALUE_FROM + ".resource",
                "references form a cycle (" + ReferenceGraph.describe(cycle) + "): resources that wait for each"
                        + " other's status never start"));
    }

    /**
     * Removes the desired state (with a resourceVersion: only if it is the current one); the loop
     * then kills every task of the resource.
     */
    synchronized boolean delete(ResourceKey key, String expected) {
        if (loop.isShutdown()) {
            throw new NotActing();
        }
        Resource current = state.resources.get(key);
        if (current == null) {
            return false;
        }
        requireVersion(key, current, expected);
        try {
            store.deleteResource(key, expected);
        } catch (DeposedException e) {
            throw new NotActing();
        }
        state.resources.remove(key);
        events.record(key, "Normal", "Deleted", "the resource was deleted; its tasks are being killed");
        LOG.info("{} deleted; killing its tasks", key);
        control.enqueue(key);
        return true;
    }

    /**
     * Restarts instances in place: their tasks are killed (not counted as failures) and relaunched;
     * a stateful instance comes back on its agent and volume. Returns how many tasks were killed.
     */
    int restart(ResourceKey key, Integer instance) {
        return onLoop(() -> {
            int killed = 0;
            for (TaskRecord t : state.tasks.of(key.toString())) {
                if (!t.terminal() && !t.killRequested() && (instance == null || t.instance() == instance)) {
                    control.kill(t, "restart requested");
                    killed++;
                }
            }
            return killed;
        });
    }

    /**
     * Replaces an instance: like a restart, but a stateful instance also gives up its reservation
     * and volume (destroyed when next offered) and starts afresh wherever resources are.
     */
    int replace(ResourceKey key, int instance) {
        return onLoop(() -> {
            reservations.giveUp(key, instance);
            int killed = 0;
            for (TaskRecord t : state.tasks.of(key.toString())) {
                if (t.instance() == instance && !t.terminal() && !t.killRequested()) {
                    control.kill(t, "replace requested");
                    killed++;
                }
            }
            offerRound.revive();
            return killed;
        });
    }

    /**
     * Kills a job's current work without a retry (`kill KIND NAME`): the kind records it in the
     * status first (stored), then its reconciliation kills the tasks. Returns how many tasks run;
     * refused (IllegalArgumentException) for kinds that are not jobs.
     */
    int killJob(ResourceKey key) {
        return onLoop(() -> {
            Resource resource = state.resources.get(key);
            if (resource == null) {
                throw new IllegalArgumentException(key + " not found");
            }
            ResourceStatus next = state.reconciler(key.kind()).killRequested(resource, state.statuses.get(key), clock.instant());
            if (next == null) {
                throw new IllegalArgumentException(key.kind() + " is not a job: there is nothing to kill without a"
                        + " restart (use restart, or delete)");
            }
            store.putStatus(key, next);
            state.statuses.put(key, next);
            events.record(key, "Normal", "KillRequested", "the user killed the current run (no retry)");
            control.enqueue(key);
            return (int) state.tasks.of(key.toString()).stream().filter(t -> !t.terminal()).count();
        });
    }

    /**
     * A call of the kind's own API ({@link io.mesosoperator.scheduler.kind.KindCall}, e.g. a Spark
     * driver asking for executors), on the loop thread: the status it changed is stored before the
     * answer leaves, and the resource is reconciled. Null when the resource does not exist or its
     * kind has no such call.
     */
    io.mesosoperator.scheduler.kind.KindCall.Answer kindCall(ResourceKey key, io.mesosoperator.scheduler.kind.KindCall call) {
        return onLoop(() -> {
            Resource resource = state.resources.get(key);
            if (resource == null) {
                return null;
            }
            io.mesosoperator.scheduler.kind.KindCall.Answer answer = state.reconciler(key.kind())
                    .call(resource, state.statuses.get(key), call, clock.instant());
            if (answer != null && answer.status() != null && !answer.status().equals(state.statuses.get(key))) {
                store.putStatus(key, answer.status());
                state.statuses.put(key, answer.status());
                control.enqueue(key);
            }
            return answer;
        });
    }

    /**
     * Pauses, continues (which also approves the configuration a canary step deployed) or restarts
     * (rolls every instance again, in the plan's order) the deploy plan. Stored in ZooKeeper before
     * it takes effect, so a new leader carries on with it; with a resourceVersion, only if it is the
     * current one. Returns the new plan state.
     */
    PlanState controlPlan(ResourceKey key, PlanAction action, String expected) {
        return onLoop(() -> {
            requireVersion(key, state.resources.get(key), expected);
            PlanState before = state.plans.getOrDefault(key, PlanState.INITIAL);
            ResourceStatus status = state.statuses.get(key);
            String config = status == null || status.plan() == null ? null : status.plan().config();
            PlanState after = switch (action) {
                case PAUSE -> before.pause();
                case CONTINUE -> before.resume(config);
                case RESTART -> before.restart();
            };
            store.putPlan(key, after, expected);
            state.plans.put(key, after);
            String what = switch (action) {
                case PAUSE -> "paused: no new step starts until plan continue";
                case CONTINUE -> "continued" + (config == null ? "" : "; configuration " + config + " approved");
                case RESTART -> "restarted: every instance is redeployed in the plan's order";
            };
            LOG.info("{} plan {}", key, what);
            events.record(key, "Normal", "Plan" + capitalize(action.name().toLowerCase(java.util.Locale.ROOT)), "deploy plan " + what);
            control.enqueue(key);
            return after;
        });
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> work) {
        if (loop.isShutdown()) {
            throw new NotActing();
        }
        try {
            return loop.submit(work).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof DeposedException) {
                throw new NotActing();
            }
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            throw new NotActing();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotActing();
        }
    }

    /** A write based on a resourceVersion (null: none) that is not the current one changes nothing. */
    private void requireVersion(ResourceKey key, Resource current, String expected) {
        if (expected == null) {
            return;
        }
        String now = current == null ? null : store.resourceVersion(current);
        if (!expected.equals(now)) {
            throw new ResourceVersionConflict(key, expected, now);
        }
    }

    /** The client's metadata.resourceVersion, taken out: it conditions the write and is never stored. */
    private static String takeResourceVersion(ObjectNode document) {
        com.fasterxml.jackson.databind.JsonNode given = ((ObjectNode) document.get("metadata")).remove("resourceVersion");
        return given == null || given.isNull() || given.asText().isEmpty() ? null : given.asText();
    }

    /** What the store holds for a resource becomes what this term knows of it. */
    private void reload(ResourceKey key) {
        store.loadResource(key).ifPresentOrElse(r -> state.resources.put(key, r), () -> state.resources.remove(key));
    }

    private void forgetFailures(ResourceKey key) {
        ResourceStatus status = state.statuses.get(key);
        if (status == null || status.instances() == null) {
            return;
        }
        List<InstanceStatus> reset = status.instances().stream().map(InstanceStatus::healthyAgain).toList();
        ResourceStatus next = status.withInstances(reset);
        state.statuses.put(key, next);
        store.putStatus(key, next);
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
