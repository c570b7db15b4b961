package io.mesosoperator.scheduler.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.mesos.ExecutorContract;
import io.mesosoperator.scheduler.events.WatchHub;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.mesos.FrameworkIdentity;
import io.mesosoperator.scheduler.mesos.MesosClient;
import io.mesosoperator.scheduler.metrics.OperatorMetrics;
import io.mesosoperator.scheduler.placement.OfferRound;
import io.mesosoperator.scheduler.placement.Reservations;
import io.mesosoperator.scheduler.placement.TaskFactory;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecChange;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.Store;
import io.mesosoperator.scheduler.store.StoreException;
import io.mesosoperator.scheduler.store.TaskRecord;
import io.mesosoperator.scheduler.store.TaskStates;
import io.mesosoperator.scheduler.tasks.TaskReconciliation;
import io.mesosoperator.scheduler.tasks.TaskTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The control loop (DESIGN.md section 3). Spec changes, Mesos events and a periodic resync only
 * enqueue a resource key; one loop thread owns all mutable decisions, reads the latest desired and
 * observed state, runs the kind's reconciler and carries out its result: launches wait for offers,
 * kills go to Mesos, status goes to ZooKeeper. Task records are written before a launch is sent
 * and every status update is persisted before it is acknowledged, so nothing is lost on a crash.
 * Three concerns have rooms of their own, used only from the loop: {@link OfferRound} (what waits
 * for offers, and each round of offers), {@link Reservations} (what stateful instances hold on
 * agents) and {@link TaskReconciliation} (asking Mesos what became of our tasks).
 */
public final class Operator implements MesosClient.Listener, ResourceReads, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Operator.class);
    private static final Duration RESYNC_INTERVAL = Duration.ofSeconds(30);
    private static final int EVENTS_KEPT = 30;
    private static final Duration STATUS_FLUSH = Duration.ofMillis(200);

    private final Store store;
    private final OperatorMetrics metrics;
    private final WatchHub watchers;
    private final FrameworkIdentity identity;
    private final Map<String, Reconciler> reconcilers = new LinkedHashMap<>();
    private final Clock clock;
    private final ScheduledExecutorService loop = new LoopThread();
    private final Reservations reservations;
    private final OfferRound offerRound;
    private final TaskReconciliation taskReconciliation;
    private MesosClient mesos;

    // read by API threads, written as noted
    private final ConcurrentMap<ResourceKey, Resource> resources = new ConcurrentHashMap<>(); // API threads (under lock)
    private final ConcurrentMap<ResourceKey, ResourceStatus> statuses = new ConcurrentHashMap<>(); // loop
    private final TaskTable tasks = new TaskTable(); // loop
    private final ConcurrentMap<ResourceKey, PlanState> plans = new ConcurrentHashMap<>(); // loop
    private final ConcurrentMap<ResourceKey, Deque<OperatorEvent>> events = new ConcurrentHashMap<>();
    private final Set<ResourceKey> queued = ConcurrentHashMap.newKeySet();

    // loop thread only
    private final Set<ResourceKey> statusDirty = new java.util.LinkedHashSet<>();
    private final Set<ResourceKey> eventsDirty = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, TaskRecord> unstoredTasks = new LinkedHashMap<>();
    private final List<TaskStatus> unacknowledged = new ArrayList<>();
    private boolean taskFlushQueued;
    private boolean statusFlushScheduled;
    /** Ours, as the master named it in SUBSCRIBED; part of a command task's sandbox path. */
    private String frameworkId;

    public Operator(Store store, Collection<Reconciler> kinds, TaskFactory.ExecutorSettings executor, FrameworkIdentity identity,
                    OperatorMetrics metrics, WatchHub watchers, Clock clock) {
        this.store = store;
        this.metrics = metrics;
        this.watchers = watchers;
        this.identity = identity;
        kinds.forEach(r -> reconcilers.put(r.kind().kind(), r));
        this.clock = clock;
        this.reservations = new Reservations(store, identity, this::record, resources::containsKey);
        this.offerRound = new OfferRound(tasks, reservations, store, metrics, executor, identity, clock, loop, this::send,
                this::record);
        this.taskReconciliation = new TaskReconciliation(tasks, metrics, loop, this::send);
    }

    /** Loads state from ZooKeeper and starts acting; the Mesos client is started after this. */
    public void start(MesosClient client) {
        this.mesos = client;
        store.forgetWrites();
        store.loadResources().forEach(r -> resources.put(r.key(), r));
        statuses.putAll(store.loadStatuses());
        tasks.putAll(store.loadTasks());
        plans.putAll(store.loadPlans());
        reservations.load();
        LOG.info("loaded {} resource(s), {} task record(s) and {} reservation(s) from ZooKeeper", resources.size(),
                tasks.size(), reservations.size());
        loop.scheduleWithFixedDelay(this::resyncAll, RESYNC_INTERVAL.toMillis(), RESYNC_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        taskReconciliation.schedulePeriodic();
        reconcilers.values().forEach(r -> r.bind(this::enqueue));
        resyncAll();
    }

    // ---------------------------------------------------------------- reads (any thread)

    @Override
    public List<Resource> resources() {
        return resources.values().stream().sorted((a, b) -> a.key().compareTo(b.key())).toList();
    }

    @Override
    public Resource resource(ResourceKey key) {
        return resources.get(key);
    }

    @Override
    public ResourceStatus status(ResourceKey key) {
        return statuses.get(key);
    }

    @Override
    public List<TaskRecord> tasks() {
        return tasks.values().stream()
                .sorted(TaskRecord.ORDER)
                .toList();
    }

    @Override
    public List<ObjectNode> history(ResourceKey key) {
        return store.history(key);
    }

    @Override
    public List<OperatorEvent> events(ResourceKey key) {
        Deque<OperatorEvent> list = events.get(key);
        if (list == null) {
            return store.events(key);
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    // ---------------------------------------------------------------- writes from the API

    @Override
    public String placementBlocker(ResourceKey key, int instance) {
        return offerRound.placementBlocker(key, instance);
    }

    @Override
    public TaskRecord lastEndedTask(ResourceKey key, int instance) {
        return tasks.lastEnded(key.toString(), instance);
    }

    /** The outcome of an apply: the stored resource and how it changed. */
    public record Applied(Resource resource, SpecChange change) {}

    /** The term of this operator ended (leadership lost) while a write was on its way: retry with the leader. */
    public static final class NotActing extends RuntimeException {
        NotActing() {
            super("this operator just stopped leading; retry the request (with the new leader)");
        }
    }

    /** Stores a validated document as the new desired state (ZooKeeper first) and enqueues it. */
    public synchronized Applied apply(ObjectNode validated) {
        if (loop.isShutdown()) {
            throw new NotActing();
        }
        ResourceKey key = new ResourceKey(validated.path("kind").asText(), validated.path("metadata").path("name").asText());
        Resource current = resources.get(key);
        Reconciler reconciler = reconcilers.get(key.kind());
        // a field the kind fixes once the resource exists, then the kind's own checks (knowing what runs)
        List<io.mesosoperator.scheduler.spec.FieldError> problems = new ArrayList<>(SpecChange.forbidden(
                current == null ? null : current.spec(), validated.path("spec"), reconciler.kind()));
        problems.addAll(reconciler.check(new Resource(validated), current, identity.role()));
        if (!problems.isEmpty()) {
            throw new io.mesosoperator.scheduler.spec.InvalidSpecException(problems);
        }
        SpecChange change = SpecChange.classify(current == null ? null : current.spec(), validated.path("spec"),
                reconciler.kind());
        if (change == SpecChange.NO_OP && current.metadata().path("labels").equals(validated.path("metadata").path("labels"))) {
            return new Applied(current, change);
        }
        ObjectNode metadata = (ObjectNode) validated.get("metadata");
        long generation = current == null ? 1 : current.generation() + (change == SpecChange.NO_OP ? 0 : 1);
        metadata.put("generation", generation);
        metadata.put("creationTimestamp", current == null ? clock.instant().toString()
                : current.metadata().path("creationTimestamp").asText());
        metadata.put("uid", current == null ? UUID.randomUUID().toString() : current.metadata().path("uid").asText());
        Resource next = new Resource(validated);
        store.putResource(next, change.verb());
        resources.put(key, next);
        LOG.info("{} {} (generation {})", key, change.verb(), generation);
        record(key, "Normal", "Spec" + capitalize(change.verb()), "generation " + generation + " accepted ("
                + change.name().toLowerCase().replace('_', ' ') + ")");
        if (change == SpecChange.ROLLING_UPDATE) {
            // a new configuration gets a fresh start: no backoff inherited from the old one's crashes
            loop.execute(() -> forgetFailures(key));
        }
        enqueue(key);
        return new Applied(next, change);
    }

    /** Removes the desired state; the loop then kills every task of the resource. */
    public synchronized boolean delete(ResourceKey key) {
        if (loop.isShutdown()) {
            throw new NotActing();
        }
        if (!resources.containsKey(key)) {
            return false;
        }
        store.deleteResource(key);
        resources.remove(key);
        LOG.info("{} deleted; killing its tasks", key);
        enqueue(key);
        return true;
    }

    /**
     * Restarts instances in place: their tasks are killed (not counted as failures) and relaunched;
     * a stateful instance comes back on its agent and volume. Returns how many tasks were killed.
     */
    public int restart(ResourceKey key, Integer instance) {
        return onLoop(() -> {
            int killed = 0;
            for (TaskRecord t : tasks.of(key.toString())) {
                if (!t.terminal() && !t.killRequested() && (instance == null || t.instance() == instance)) {
                    kill(t, "restart requested");
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
    public int replace(ResourceKey key, int instance) {
        return onLoop(() -> {
            reservations.giveUp(key, instance);
            int killed = 0;
            for (TaskRecord t : tasks.of(key.toString())) {
                if (t.instance() == instance && !t.terminal() && !t.killRequested()) {
                    kill(t, "replace requested");
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
    public int killJob(ResourceKey key) {
        return onLoop(() -> {
            Resource resource = resources.get(key);
            if (resource == null) {
                throw new IllegalArgumentException(key + " not found");
            }
            ResourceStatus next = reconcilers.get(key.kind()).killRequested(resource, statuses.get(key), clock.instant());
            if (next == null) {
                throw new IllegalArgumentException(key.kind() + " is not a job: there is nothing to kill without a"
                        + " restart (use restart, or delete)");
            }
            store.putStatus(key, next);
            statuses.put(key, next);
            record(key, "Normal", "KillRequested", "the user killed the current run (no retry)");
            enqueue(key);
            return (int) tasks.of(key.toString()).stream().filter(t -> !t.terminal()).count();
        });
    }

    /** What a user can do to a deploy plan (plan pause|continue|restart). */
    public enum PlanAction { PAUSE, CONTINUE, RESTART }

    /**
     * Pauses, continues (which also approves the configuration a canary step deployed) or restarts
     * (rolls every instance again, in the plan's order) the deploy plan. Stored in ZooKeeper before
     * it takes effect, so a new leader carries on with it. Returns the new plan state.
     */
    public PlanState controlPlan(ResourceKey key, PlanAction action) {
        return onLoop(() -> {
            PlanState before = plans.getOrDefault(key, PlanState.INITIAL);
            ResourceStatus status = statuses.get(key);
            String config = status == null || status.plan() == null ? null : status.plan().config();
            PlanState after = switch (action) {
                case PAUSE -> before.pause();
                case CONTINUE -> before.resume(config);
                case RESTART -> before.restart();
            };
            store.putPlan(key, after);
            plans.put(key, after);
            String what = switch (action) {
                case PAUSE -> "paused: no new step starts until plan continue";
                case CONTINUE -> "continued" + (config == null ? "" : "; configuration " + config + " approved");
                case RESTART -> "restarted: every instance is redeployed in the plan's order";
            };
            LOG.info("{} plan {}", key, what);
            record(key, "Normal", "Plan" + capitalize(action.name().toLowerCase(java.util.Locale.ROOT)), "deploy plan " + what);
            enqueue(key);
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
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            throw new NotActing();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotActing();
        }
    }

    // ---------------------------------------------------------------- Mesos listener (subscriber thread)

    @Override
    public void subscribed(FrameworkID frameworkId, MasterInfo master) {
        loop.execute(() -> {
            this.frameworkId = frameworkId.getValue();
            store.saveFrameworkId(frameworkId.getValue());
            resources.keySet().forEach(key -> record(key, "Normal", "Subscribed", "operator subscribed to Mesos master "
                    + master.getId() + " as framework " + frameworkId.getValue() + "; reconciling its tasks"));
            offerRound.subscribed();
            taskReconciliation.start();
            resyncAll();
        });
    }

    @Override
    public void event(Event event) {
        loop.execute(() -> handle(event));
    }

    @Override
    public void disconnected(String reason) {
        LOG.warn("lost the Mesos subscription: {}; tasks keep running, we re-subscribe", reason);
    }

    private void handle(Event event) {
        switch (event.getType()) {
            case OFFERS -> offerRound.offers(event.getOffers().getOffersList());
            case UPDATE -> update(event.getUpdate().getStatus());
            case RESCIND -> LOG.debug("offer {} rescinded (we never hold offers)", event.getRescind().getOfferId().getValue());
            // scheduler.proto: with an executor id an executor ended (its wait status, when known);
            // without one the agent was removed or lost (a real master sends that; updates for its tasks follow)
            case FAILURE -> {
                Event.Failure failure = event.getFailure();
                if (failure.hasExecutorId()) {
                    LOG.info("executor {} on agent {} terminated{}", failure.getExecutorId().getValue(),
                            failure.getAgentId().getValue(), failure.hasStatus() ? " (wait status " + failure.getStatus() + ")" : "");
                } else {
                    LOG.warn("Mesos reports agent {} removed or lost", failure.getAgentId().getValue());
                }
            }
            case ERROR -> LOG.warn("Mesos master sent ERROR: {}", event.getError().getMessage());
            case MESSAGE -> LOG.debug("message from executor {} ignored", event.getMessage().getExecutorId().getValue());
            case INVERSE_OFFERS -> LOG.info("{} inverse offer(s) (maintenance) received; ignored: tasks are moved when"
                    + " agents go down", event.getInverseOffers().getInverseOffersCount());
            case RESCIND_INVERSE_OFFER, UPDATE_OPERATION_STATUS -> LOG.debug("{} ignored", event.getType());
            default -> LOG.debug("event {} ignored", event.getType());
        }
    }

    // ---------------------------------------------------------------- reconciliation (loop thread)

    private void enqueue(ResourceKey key) {
        if (queued.add(key)) {
            try {
                loop.execute(() -> {
                    queued.remove(key);
                    reconcile(key);
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.remove(key); // the term ended; the next leader reconciles everything it loads
            }
        }
    }

    private void resyncAll() {
        Set<ResourceKey> keys = new HashSet<>(resources.keySet());
        tasks.values().forEach(t -> keys.add(t.resourceKey()));
        keys.forEach(this::enqueue);
    }

    private void reconcile(ResourceKey key) {
        MDC.put("resource", key.toString());
        long started = System.nanoTime();
        try {
            Resource resource = resources.get(key);
            List<TaskRecord> own = tasks.of(key.toString());
            if (resource == null) {
                offerRound.forget(key);
                statuses.remove(key);
                plans.remove(key);
                tasks.forgetEnded(key.toString());
                for (TaskRecord t : own) {
                    if (!t.terminal() && !t.killRequested()) {
                        kill(t, "resource deleted");
                    }
                }
                releaseReservations(key, Set.of(), own);
                if (own.isEmpty() && events.remove(key) != null) {
                    store.deleteEvents(key);
                }
                return;
            }
            Reconciler reconciler = reconcilers.get(resource.kind());
            ReconcileResult result = reconciler.reconcile(resource,
                    new Reconciler.Observed(own, statuses.get(key), offerRound.waiting(key),
                            plans.getOrDefault(key, PlanState.INITIAL)), clock.instant());
            boolean newDemand = offerRound.awaitOffers(key, result.launches());
            for (ReconcileResult.Kill k : result.kills()) {
                TaskRecord t = tasks.get(k.taskId());
                if (t != null) {
                    kill(t, k.reason());
                }
            }
            result.relocations().forEach(r -> relocate(key, r));
            recordBackoffs(key, statuses.get(key), result.status());
            recordCompletedSteps(key, statuses.get(key), result.status());
            if (!result.status().equals(statuses.get(key))) {
                ResourceStatus before = statuses.put(key, result.status());
                persistSoon(key);
                if (before == null || !before.phase().equals(result.status().phase())
                        || before.readyReplicas() != result.status().readyReplicas()
                        || before.observedGeneration() != result.status().observedGeneration()) {
                    watchers.publish(new WatchHub.Change(clock.instant().toString(), "status", key.toString(),
                            result.status().phase(), result.status().readyReplicas() + "/" + result.status().replicas(),
                            "generation " + result.status().observedGeneration() + " observed"));
                }
                if (before == null || !before.phase().equals(result.status().phase())) {
                    LOG.info("{} is {} ({}/{} ready)", key, result.status().phase(), result.status().readyReplicas(),
                            result.status().replicas());
                }
            }
            releaseReservations(key, result.status().instances().stream().map(InstanceStatus::instance)
                    .collect(Collectors.toSet()), own);
            if (result.requeueAfter() != null) {
                loop.schedule(() -> enqueue(key), Math.max(10, result.requeueAfter().toMillis()), TimeUnit.MILLISECONDS);
            }
            if (newDemand) {
                offerRound.revive();
            }
        } catch (RuntimeException e) {
            LOG.error("reconciling {} failed; retrying in 5s", key, e);
            loop.schedule(() -> enqueue(key), 5, TimeUnit.SECONDS);
        } finally {
            metrics.reconciled(key.kind(), System.nanoTime() - started);
            MDC.remove("resource");
        }
    }

    private void recordBackoffs(ResourceKey key, ResourceStatus before, ResourceStatus after) {
        for (InstanceStatus now : after.instances()) {
            InstanceStatus was = before == null ? null : before.instance(now.instance());
            if ("BACKOFF".equals(now.state()) && (was == null || !java.util.Objects.equals(was.nextLaunchTime(), now.nextLaunchTime()))) {
                record(key, "Warning", "BackOff", "instance " + now.instance() + " failed " + now.consecutiveFailures()
                        + " time(s) in a row (" + now.lastExit() + "); next launch at " + now.nextLaunchTime());
            }
        }
    }

    /** A deploy step completes when its instance is first ready with the plan's configuration. */
    private void recordCompletedSteps(ResourceKey key, ResourceStatus before, ResourceStatus after) {
        for (InstanceStatus now : after.instances()) {
            InstanceStatus was = before == null ? null : before.instance(now.instance());
            if (now.deployedConfig() == null || (was != null && now.deployedConfig().equals(was.deployedConfig()))) {
                continue;
            }
            TaskRecord task = now.taskId() == null ? null : tasks.get(now.taskId());
            if (task != null && task.launchedAt() != null) {
                Duration took = Duration.between(Instant.parse(task.launchedAt()), clock.instant());
                metrics.planStepCompleted(key.kind(), took);
                watchers.publish(new WatchHub.Change(clock.instant().toString(), "plan-step", key.toString(),
                        "COMPLETE", PodSpec.name(key.name(), now.group(), now.instance()), "ready with configuration " + now.deployedConfig()
                        + " after " + took.toMillis() + " ms"));
            }
        }
    }

    /** Reservations of instances no longer desired go once no task of theirs runs; their agents are offered again. */
    private void releaseReservations(ResourceKey key, Set<Integer> desired, List<TaskRecord> own) {
        if (reservations.release(key, desired, own)) {
            offerRound.revive();
        }
    }

    /** An instance leaves its reservation on an agent lost for good; that agent is cleaned up if it offers again. */
    private void relocate(ResourceKey key, ReconcileResult.Relocation relocation) {
        if (reservations.relocate(key, relocation)) {
            offerRound.revive();
        }
    }

    private void kill(TaskRecord task, String reason) {
        TaskRecord killing = task.withKillRequested();
        storeSoon(killing.taskId(), killing, null); // after any queued update of the task, never before it
        tasks.put(killing.taskId(), killing);
        LOG.info("killing task {} ({})", task.taskId(), reason);
        metrics.killed(task.resourceKey().kind());
        record(task.resourceKey(), "Normal", "Killing", "instance " + task.instance() + " task " + task.taskId() + ": " + reason);
        Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(task.taskId()));
        if (task.agentId() != null) {
            kill.setAgentId(AgentID.newBuilder().setValue(task.agentId()));
        }
        send(Call.newBuilder().setType(Call.Type.KILL).setKill(kill));
    }

    // ---------------------------------------------------------------- status updates

    private void update(TaskStatus status) {
        String taskId = status.getTaskId().getValue();
        taskReconciliation.heard(taskId);
        TaskRecord record = tasks.get(taskId);
        String state = status.getState().name();
        if (record == null) {
            if (!TaskStates.isTerminal(state)) {
                LOG.warn("Mesos reports task {} ({}) that this operator does not know; killing it", taskId, state);
                Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(status.getTaskId());
                if (status.hasAgentId()) {
                    kill.setAgentId(status.getAgentId());
                }
                send(Call.newBuilder().setType(Call.Type.KILL).setKill(kill));
            }
            acknowledge(status);
            return;
        }
        String sandbox = sandbox(status, frameworkId, record.sandbox());
        String now = clock.instant().toString();
        TaskRecord updated = record.withUpdate(state, status.hasHealthy() ? status.getHealthy() : null,
                status.hasMessage() ? status.getMessage() : null, status.hasReason() ? status.getReason().name() : null,
                sandbox, status.hasAgentId() ? status.getAgentId().getValue() : null, now);
        ResourceKey key = record.resourceKey();
        if (!state.equals(record.state())) {
            watchers.publish(new WatchHub.Change(now, "task", key.toString(), state, status.hasReason() ? status.getReason().name() : null,
                    "instance " + record.instance() + " task " + taskId + (status.hasMessage() ? ": " + status.getMessage() : "")));
        }
        if (updated.terminal()) {
            String exit = state + (status.hasMessage() ? ": " + status.getMessage() : "");
            ResourceStatus ended = resources.containsKey(key) ? reconcilers.get(key.kind())
                    .taskEnded(resources.get(key), statuses.get(key), updated, clock.instant()) : null;
            if (ended != null) {
                // a kind that runs to completion (a job) recorded the outcome itself: not a crash
                statuses.put(key, ended);
                store.putStatus(key, ended);
                boolean success = "TASK_FINISHED".equals(state);
                LOG.info("task {} (instance {}) ended: {}", taskId, record.instance(), exit);
                record(key, success || record.killRequested() ? "Normal" : "Warning", success ? "Completed"
                        : record.killRequested() ? "Stopped" : "AttemptFailed",
                        "instance " + record.instance() + " task " + taskId + " " + exit);
            } else if (!record.killRequested() && resources.containsKey(key)) {
                recordFailure(key, record.instance(), exit, now);
                metrics.failed(key.kind());
                LOG.warn("task {} (instance {}) ended unexpectedly: {}", taskId, record.instance(), exit);
                record(key, "Warning", "InstanceFailed", "instance " + record.instance() + " task " + taskId + " " + exit);
            } else {
                LOG.info("task {} (instance {}) ended: {}", taskId, record.instance(), exit);
                record(key, "Normal", "Stopped", "instance " + record.instance() + " task " + taskId + " " + exit);
            }
            storeSoon(taskId, null, null);
            if (resources.containsKey(key)) {
                tasks.ended(updated);
            } else {
                tasks.remove(taskId); // a deleted resource's: a new one of that name shows none of it
            }
        } else if (!updated.state().equals(record.state()) || !java.util.Objects.equals(updated.healthy(), record.healthy())
                || !java.util.Objects.equals(updated.sandbox(), record.sandbox())) {
            storeSoon(taskId, updated, null);
            tasks.put(taskId, updated);
            if ("TASK_RUNNING".equals(state) && !"TASK_RUNNING".equals(record.state())) {
                record(key, "Normal", "Running", "instance " + record.instance() + " task " + taskId + " is running");
            }
        } else {
            tasks.put(taskId, updated);
        }
        storeSoon(null, null, status); // acknowledged only once the update is safely stored
        enqueue(key);
    }

    /**
     * The sandbox an update tells of, for the logs API ({@code /files/read} on the task's agent);
     * null when it tells of none, and the recorded one stays. Our executor names the task's own
     * directory in the label {@value ExecutorContract#SANDBOX_LABEL}. Mesos' command executor adds no label; its
     * updates name their executor (a command task's executor id is its task id), whose newest run
     * the agent serves under the virtual path {@code /frameworks/<framework id>/executors/<executor
     * id>/runs/latest} (slave.cpp {@code Framework::addExecutor}). That path is taken only while no
     * sandbox is recorded: an update the agent sends itself about a task of our shared executor
     * (e.g. when the executor died) names the executor too, but its run directory is not the
     * task's. Updates from the master (reconciliation, a lost agent) name no executor.
     */
    static String sandbox(TaskStatus status, String frameworkId, String recorded) {
        for (Label label : status.getLabels().getLabelsList()) {
            if (label.getKey().equals(ExecutorContract.SANDBOX_LABEL)) {
                return label.getValue();
            }
        }
        if (recorded == null && frameworkId != null && status.hasExecutorId()
                && !status.getExecutorId().getValue().isEmpty()) {
            return "/frameworks/" + frameworkId + "/executors/" + status.getExecutorId().getValue() + "/runs/latest";
        }
        return null;
    }

    /**
     * Queues a task record change and/or an acknowledgement; the loop stores every change queued
     * by then in one go (the updates of a burst share transactions) and only then acknowledges.
     */
    private void storeSoon(String taskId, TaskRecord record, TaskStatus toAcknowledge) {
        if (taskId != null) {
            unstoredTasks.put(taskId, record);
        }
        if (toAcknowledge != null) {
            unacknowledged.add(toAcknowledge);
        }
        if (!taskFlushQueued) {
            taskFlushQueued = true;
            loop.execute(this::flushTasks);
        }
    }

    private void flushTasks() {
        taskFlushQueued = false;
        try {
            store.putTasks(unstoredTasks, false);
        } catch (StoreException e) {
            // not acknowledged: Mesos sends these updates again, and they are stored then
            LOG.warn("{} task update(s) not stored ({}); Mesos will resend them", unstoredTasks.size(), e.getMessage());
            unstoredTasks.clear();
            unacknowledged.clear();
            return;
        }
        unstoredTasks.clear();
        unacknowledged.forEach(this::acknowledge);
        unacknowledged.clear();
    }

    private void acknowledge(TaskStatus status) {
        if (status.hasUuid() && status.hasAgentId()) {
            send(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                    .setAgentId(status.getAgentId()).setTaskId(status.getTaskId()).setUuid(status.getUuid())));
        }
    }

    /** A crash is remembered in the status, where the restart backoff reads it (and survives restarts). */
    private void recordFailure(ResourceKey key, int instance, String exit, String now) {
        ResourceStatus status = statuses.get(key);
        List<InstanceStatus> instances = new ArrayList<>(status == null || status.instances() == null ? List.of() : status.instances());
        InstanceStatus prev = status == null ? null : status.instance(instance);
        instances.removeIf(s -> s.instance() == instance);
        instances.add((prev == null ? InstanceStatus.fresh(instance) : prev).failed(exit, now));
        instances.sort((a, b) -> Integer.compare(a.instance(), b.instance()));
        ResourceStatus next = status == null
                ? new ResourceStatus(0, "Pending", 0, 0, List.of(), instances, null, null)
                : status.withInstances(instances);
        statuses.put(key, next);
        store.putStatus(key, next);
    }

    /**
     * Status is derived (recomputed from tasks at every reconciliation), so it is written at most
     * every {@link #STATUS_FLUSH}, coalescing the many changes of a big launch; the crash history
     * the backoff needs is written at once ({@link #recordFailure}).
     */
    private void persistSoon(ResourceKey key) {
        statusDirty.add(key);
        scheduleFlush();
    }

    /** One flush of dirty statuses and events within {@link #STATUS_FLUSH}, however many asked. */
    private void scheduleFlush() {
        if (!statusFlushScheduled) {
            statusFlushScheduled = true;
            loop.schedule(this::flushStatuses, STATUS_FLUSH.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void flushStatuses() {
        statusFlushScheduled = false;
        for (ResourceKey key : List.copyOf(eventsDirty)) {
            Deque<OperatorEvent> list = events.get(key);
            if (list != null) {
                List<OperatorEvent> snapshot;
                synchronized (list) {
                    snapshot = List.copyOf(list);
                }
                try {
                    store.putEvents(key, snapshot);
                } catch (StoreException e) {
                    LOG.warn("events of {} not stored: {}", key, e.getMessage()); // not worth failing an action for
                }
            }
            eventsDirty.remove(key);
        }
        for (java.util.Iterator<ResourceKey> it = statusDirty.iterator(); it.hasNext(); ) {
            ResourceKey key = it.next();
            ResourceStatus status = statuses.get(key);
            try {
                if (status != null && resources.containsKey(key)) {
                    store.putStatus(key, status);
                }
                it.remove();
            } catch (RuntimeException e) {
                LOG.warn("cannot store the status of {} yet ({}); retrying", key, e.getMessage());
                persistSoon(key);
                return;
            }
        }
    }

    private void forgetFailures(ResourceKey key) {
        ResourceStatus status = statuses.get(key);
        if (status == null || status.instances() == null) {
            return;
        }
        List<InstanceStatus> reset = status.instances().stream().map(InstanceStatus::healthyAgain).toList();
        ResourceStatus next = status.withInstances(reset);
        statuses.put(key, next);
        store.putStatus(key, next);
    }

    private void send(Call.Builder call) {
        if (mesos != null) {
            mesos.send(call);
        }
    }

    /** Keeps an event for `describe`, in memory and in ZooKeeper (so followers and successors see it). */
    private void record(ResourceKey key, String type, String reason, String message) {
        Deque<OperatorEvent> list = events.computeIfAbsent(key, k -> new ArrayDeque<>(store.events(k)));
        List<OperatorEvent> snapshot;
        OperatorEvent event = new OperatorEvent(clock.instant().toString(), type, reason, message);
        watchers.publish(new WatchHub.Change(event.time(), "event", key.toString(), type, reason, message));
        synchronized (list) {
            list.addLast(event);
            while (list.size() > EVENTS_KEPT) {
                list.removeFirst();
            }
            snapshot = List.copyOf(list);
        }
        eventsDirty.add(key); // stored with the next status flush: a launch burst makes thousands of events
        try {
            loop.execute(this::scheduleFlush); // record() also runs on API threads; the flush is the loop's
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the term ended; the next leader starts from what was stored
        }
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }

    /**
     * The one thread that owns every decision. A task that throws is logged and the loop goes on:
     * a plain ScheduledExecutorService keeps the exception in a future nobody reads, and silently
     * stops a periodic task (the resync) for good.
     */
    private static final class LoopThread extends java.util.concurrent.ScheduledThreadPoolExecutor {
        LoopThread() {
            super(1, r -> {
                Thread t = new Thread(r, "operator-loop");
                t.setDaemon(true);
                return t;
            });
        }

        private static Runnable guarded(Runnable work) {
            return () -> {
                try {
                    work.run();
                } catch (RuntimeException | Error e) {
                    LOG.error("the operator loop caught an unexpected error; it goes on", e);
                }
            };
        }

        @Override
        public java.util.concurrent.ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return super.schedule(guarded(command), delay, unit); // execute() comes here too
        }

        @Override
        public java.util.concurrent.ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                                              TimeUnit unit) {
            return super.scheduleWithFixedDelay(guarded(command), initialDelay, delay, unit);
        }

        @Override
        public java.util.concurrent.ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
                                                                           TimeUnit unit) {
            return super.scheduleAtFixedRate(guarded(command), initialDelay, period, unit);
        }
    }
}
