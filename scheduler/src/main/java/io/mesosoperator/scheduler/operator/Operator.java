package io.mesosoperator.scheduler.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.anomaly.DailyProfile;
import io.mesosoperator.scheduler.events.WatchHub;
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
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.Store;
import io.mesosoperator.scheduler.store.TaskRecord;
import io.mesosoperator.scheduler.tasks.TaskReconciliation;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acting operator of one leadership term (DESIGN.md section 3): what the API and the Mesos
 * client talk to. Spec changes, Mesos events and a periodic resync only enqueue a resource key;
 * one loop thread ({@link LoopThread}) owns all mutable decisions, reads the latest desired and
 * observed state, runs the kind's reconciler and carries out its result: launches wait for
 * offers, kills go to Mesos, status goes to ZooKeeper. Task records are written before a launch is
 * sent and every status update is persisted before it is acknowledged, so nothing is lost on a
 * crash. Each concern has a room of its own: {@link Commands} (what users ask through the API),
 * {@link MesosEvents} (what the master tells), {@link ControlLoop} (one reconciliation at a
 * time), {@link BatchedWrites} (task records before acknowledgements, statuses coalesced),
 * {@link EventLog} (events for `describe`) and {@link OperatorState} (what is known, which the API
 * reads); {@link OfferRound}, {@link Reservations} and {@link TaskReconciliation} are used only
 * from the loop.
 */
public final class Operator implements MesosClient.Listener, ResourceReads, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Operator.class);
    private static final Duration RESYNC_INTERVAL = Duration.ofSeconds(30);

    private final Store store;
    private final ScheduledExecutorService loop = new LoopThread();
    private final OperatorState state;
    private final EventLog events;
    private final BatchedWrites writes;
    private final Reservations reservations;
    private final OfferRound offerRound;
    private final TaskReconciliation taskReconciliation;
    private final ControlLoop control;
    private final MesosEvents mesosEvents;
    private final Commands commands;
    private MesosClient mesos;

    public Operator(Store store, Collection<Reconciler> kinds, TaskFactory.ExecutorSettings executor, FrameworkIdentity identity,
                    OperatorMetrics metrics, WatchHub watchers, Clock clock) {
        this.store = store;
        this.state = new OperatorState(kinds);
        this.events = new EventLog(store, watchers, clock, loop, this::storeEventsSoon);
        this.writes = new BatchedWrites(store, state, events, loop, this::send);
        this.reservations = new Reservations(store, identity, events, state.resources::containsKey);
        this.offerRound = new OfferRound(state.tasks, reservations, store, metrics, executor, identity, clock, loop, this::send,
                events);
        this.taskReconciliation = new TaskReconciliation(state.tasks, metrics, loop, this::send);
        this.control = new ControlLoop(state, offerRound, reservations, writes, events, metrics, watchers, clock, loop,
                this::send);
        this.mesosEvents = new MesosEvents(state, store, control, writes, events, offerRound, taskReconciliation, metrics,
                watchers, clock, this::send);
        this.commands = new Commands(state, store, identity, clock, loop, events, control, reservations, offerRound);
    }

    /**
     * Loads state from ZooKeeper and starts acting; the Mesos client is started after this. The
     * store is this term's (its writes fail once a newer term began).
     */
    public void start(MesosClient client) {
        this.mesos = client;
        store.loadResources().forEach(r -> state.resources.put(r.key(), r));
        state.statuses.putAll(store.loadStatuses());
        state.tasks.putAll(store.loadTasks());
        state.plans.putAll(store.loadPlans());
        reservations.load();
        LOG.info("loaded {} resource(s), {} task record(s) and {} reservation(s) from ZooKeeper", state.resources.size(),
                state.tasks.size(), reservations.size());
        loop.scheduleWithFixedDelay(control::resyncAll, RESYNC_INTERVAL.toMillis(), RESYNC_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        taskReconciliation.schedulePeriodic();
        state.reconcilers().forEach(r -> r.bind(control::enqueue));
        control.resyncAll();
    }

    // ---------------------------------------------------------------- reads (any thread)

    @Override
    public List<Resource> resources() {
        return state.resources.values().stream().sorted((a, b) -> a.key().compareTo(b.key())).toList();
    }

    @Override
    public Resource resource(ResourceKey key) {
        return state.resource(key);
    }

    @Override
    public ResourceStatus status(ResourceKey key) {
        return state.status(key);
    }

    @Override
    public List<TaskRecord> tasks() {
        return state.tasks.values().stream()
                .sorted(TaskRecord.ORDER)
                .toList();
    }

    @Override
    public List<ObjectNode> history(ResourceKey key) {
        return store.history(key);
    }

    @Override
    public String resourceVersion(Resource resource) {
        return store.resourceVersion(resource);
    }

    @Override
    public List<OperatorEvent> events(ResourceKey key) {
        return events.of(key);
    }

    @Override
    public String placementBlocker(ResourceKey key, int instance) {
        return offerRound.placementBlocker(key, instance);
    }

    @Override
    public TaskRecord lastEndedTask(ResourceKey key, int instance) {
        return state.tasks.lastEnded(key.toString(), instance);
    }

    // ---------------------------------------------------------------- writes from the API (see Commands)

    /** The outcome of an apply: the stored resource and how it changed. */
    public record Applied(Resource resource, SpecChange change) {}

    /** The term of this operator ended (leadership lost) while a write was on its way: retry with the leader. */
    public static final class NotActing extends RuntimeException {
        NotActing() {
            super("this operator just stopped leading; retry the request (with the new leader)");
        }
    }

    /** What a user can do to a deploy plan (plan pause|continue|restart). */
    public enum PlanAction { PAUSE, CONTINUE, RESTART }

    public Applied apply(ObjectNode validated) {
        return commands.apply(validated);
    }

    /** Deletes a resource; with a resourceVersion (else null), only if it is the current one. */
    public boolean delete(ResourceKey key, String resourceVersion) {
        return commands.delete(key, resourceVersion);
    }

    public int restart(ResourceKey key, Integer instance) {
        return commands.restart(key, instance);
    }

    public int replace(ResourceKey key, int instance) {
        return commands.replace(key, instance);
    }

    /** A call of the kind's own API on the resource's running work; null when there is no such resource or call. */
    public io.mesosoperator.scheduler.kind.KindCall.Answer kindCall(ResourceKey key, io.mesosoperator.scheduler.kind.KindCall call) {
        return commands.kindCall(key, call);
    }

    public int killJob(ResourceKey key) {
        return commands.killJob(key);
    }

    /** Steers the deploy plan; with a resourceVersion (else null), only if it is the current one. */
    public PlanState controlPlan(ResourceKey key, PlanAction action, String resourceVersion) {
        return commands.controlPlan(key, action, resourceVersion);
    }

    /**
     * Sets a condition that no kind computes (Anomalous) on the resource's status, from any thread;
     * the status shows it from the next reconciliation, which this asks for.
     */
    public void setCondition(ResourceKey key, io.mesosoperator.scheduler.store.Condition condition) {
        if (state.ownedConditions.set(key, condition)) {
            control.enqueue(key);
        }
    }

    /** The daily shapes kept for a resource's watched series (the anomaly monitor's, across leaders). */
    public Map<String, DailyProfile.Saved> dailyProfiles(ResourceKey key) {
        return store.dailyProfiles(key);
    }

    /** Keeps them, through this term's store: a deposed leader's save fails. */
    public void putDailyProfiles(ResourceKey key, Map<String, DailyProfile.Saved> profiles) {
        store.putDailyProfiles(key, profiles);
    }

    /** Where events of resources are recorded (for `describe`), for those that watch the resources from outside the loop. */
    public io.mesosoperator.scheduler.events.EventRecorder eventRecorder() {
        return events;
    }

    /**
     * The autoscaler's decision about a resource: kept in its status.autoscale (until the next
     * decision) and, with {@code reason} non-null, recorded as an event. Any thread.
     */
    public void autoscaled(ResourceKey key, com.fasterxml.jackson.databind.JsonNode decision, String type, String reason,
                           String message) {
        if (reason != null) {
            events.record(key, type, reason, message);
        }
        try {
            loop.execute(() -> {
                ResourceStatus status = state.statuses.get(key);
                if (status != null && state.resources.containsKey(key) && !decision.equals(status.autoscale())) {
                    state.statuses.put(key, status.withAutoscale(decision));
                    writes.persistSoon(key);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the term ended: the next leader's autoscaler decides again
        }
    }

    // ---------------------------------------------------------------- Mesos listener (subscriber thread)

    @Override
    public void subscribed(FrameworkID frameworkId, MasterInfo master) {
        loop.execute(() -> mesosEvents.subscribed(frameworkId, master));
    }

    @Override
    public void event(Event event) {
        loop.execute(() -> mesosEvents.handle(event));
    }

    @Override
    public void disconnected(String reason) {
        LOG.warn("lost the Mesos subscription: {}; tasks keep running, we re-subscribe", reason);
    }

    /** Events are stored with the next flush of statuses (the writes are built after the events). */
    private void storeEventsSoon() {
        writes.scheduleFlush();
    }

    private void send(Call.Builder call) {
        if (mesos != null) {
            mesos.send(call);
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
