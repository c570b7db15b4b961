package io.mesosoperator.scheduler.placement;

import io.mesosoperator.scheduler.events.EventRecorder;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.mesos.FrameworkIdentity;
import io.mesosoperator.scheduler.metrics.OperatorMetrics;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.ReservationRecord;
import io.mesosoperator.scheduler.store.Store;
import io.mesosoperator.scheduler.store.TaskRecord;
import io.mesosoperator.scheduler.tasks.TaskTable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods that wait for resources and the offers that place them. The Operator's reconciliation
 * says what waits ({@link #awaitOffers}); each OFFERS event is one round ({@link #offers}): pods are
 * matched to offers, their task records stored, then launched (with RESERVE and CREATE ahead of a
 * stateful pod's first launch), orphaned reservations cleaned up and the rest declined. Offers are
 * suppressed while nothing waits and revived on new demand. Everything here runs on the operator's
 * loop thread; only {@link #placementBlocker} is read from others.
 */
public final class OfferRound {
    private static final Logger LOG = LoggerFactory.getLogger(OfferRound.class);
    private static final Duration REVIVE_EVERY = Duration.ofMillis(250);

    private final TaskTable tasks;
    private final Reservations reservations;
    private final Store store;
    private final OperatorMetrics metrics;
    private final TaskFactory taskFactory;
    private final TaskFactory.ExecutorSettings executor;
    private final FrameworkIdentity identity;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final Consumer<Call.Builder> send;
    private final EventRecorder events;

    /** The pods waiting for an offer, by resource and instance. */
    private final Map<ResourceKey, Map<Integer, PodSpec>> pending = new TreeMap<>();
    /** Why a waiting instance got no place in the last offers, by "Kind/name#instance" (read by the plan view). */
    private final ConcurrentMap<String, String> placementBlockers = new ConcurrentHashMap<>();
    private boolean suppressed;
    private boolean reviveDeferred;
    private long lastReviveNanos;

    /**
     * {@code tasks} gets the records of launched tasks; {@code loop} is the operator's loop (a
     * deferred revive runs there); {@code send} goes to Mesos; {@code events} keeps events for `describe`.
     */
    public OfferRound(TaskTable tasks, Reservations reservations, Store store, OperatorMetrics metrics,
                      TaskFactory.ExecutorSettings executor, FrameworkIdentity identity, Clock clock,
                      ScheduledExecutorService loop, Consumer<Call.Builder> send, EventRecorder events) {
        this.tasks = tasks;
        this.reservations = reservations;
        this.store = store;
        this.metrics = metrics;
        this.executor = executor;
        this.taskFactory = new TaskFactory(executor, identity.frameworkName());
        this.identity = identity;
        this.clock = clock;
        this.loop = loop;
        this.send = send;
        this.events = events;
    }

    /** The instances of the resource that wait for an offer (launches in flight, to its reconciler). */
    public Set<Integer> waiting(ResourceKey key) {
        return pending.getOrDefault(key, Map.of()).keySet();
    }

    /**
     * The resource's pods that are to wait for offers now, replacing those that waited. Returns
     * whether an instance waits that did not before: new demand, for which the caller revives.
     */
    public boolean awaitOffers(ResourceKey key, List<PodSpec> launches) {
        Map<Integer, PodSpec> waiting = pending.getOrDefault(key, Map.of());
        Map<Integer, PodSpec> nextWaiting = new TreeMap<>();
        launches.forEach(p -> nextWaiting.put(p.instance(), p));
        boolean newDemand = !waiting.keySet().containsAll(nextWaiting.keySet());
        if (nextWaiting.isEmpty()) {
            pending.remove(key);
        } else {
            pending.put(key, nextWaiting);
        }
        return newDemand;
    }

    /** The resource is deleted: none of its pods waits any more. */
    public void forget(ResourceKey key) {
        pending.remove(key);
    }

    /** A new subscription starts with offers flowing (SUBSCRIBE suppresses no role). */
    public void subscribed() {
        suppressed = false;
    }

    public String placementBlocker(ResourceKey key, int instance) {
        return placementBlockers.get(Reservations.reservationKey(key, instance));
    }

    /** One OFFERS event: launch (and reserve for) what waits where it fits, clean up orphans, decline the rest. */
    public void offers(List<Offer> offers) {
        metrics.offersReceived(offers.size());
        List<PodSpec> waiting = pending.values().stream().flatMap(m -> m.values().stream()).toList();
        Map<String, Map<String, ReservedResources.Held>> held = new HashMap<>();
        offers.forEach(o -> held.put(o.getId().getValue(), ReservedResources.held(o, identity.frameworkName())));
        // per resource and group (a placement limit counts a pod's own group only): agent -> active tasks
        Map<List<String>, Map<String, Integer>> load = new HashMap<>();
        for (ResourceKey waitingFor : pending.keySet()) {
            for (TaskRecord t : tasks.of(waitingFor.toString())) {
                if (!t.terminal() && t.agentId() != null) {
                    load.computeIfAbsent(java.util.Arrays.asList(waitingFor.toString(), t.group()), k -> new HashMap<>())
                            .merge(t.agentId(), 1, Integer::sum);
                }
            }
        }
        OfferMatcher.Result match = OfferMatcher.match(waiting, offers, executor.cpus(), executor.memMb(),
                (pod, agent) -> load.getOrDefault(java.util.Arrays.asList(pod.resource().toString(), pod.group()), Map.of())
                        .getOrDefault(agent, 0),
                new OfferMatcher.Constraints() {
                    @Override
                    public boolean eligible(PodSpec pod, Offer offer) {
                        if (pod.volume() == null) {
                            return true;
                        }
                        ReservationRecord r = reservations.of(pod.resource(), pod.instance());
                        return r == null || r.agentId().equals(offer.getAgentId().getValue());
                    }

                    @Override
                    public boolean reserved(PodSpec pod, Offer offer) {
                        ReservationRecord r = reservations.of(pod.resource(), pod.instance());
                        ReservedResources.Held h = r == null ? null
                                : held.get(offer.getId().getValue()).get(ReservedResources.key(r));
                        return h != null && h.cpus() + 1e-9 >= r.cpus() && h.mem() + 1e-9 >= r.mem()
                                && (h.volume() != null || h.disk() + 1e-9 >= r.diskMb());
                    }
                });
        String now = clock.instant().toString();
        placementBlockers.clear();
        match.reasons().forEach((pod, why) -> placementBlockers.put(Reservations.reservationKey(pod.resource(), pod.instance()), why));
        List<Offer> unused = new ArrayList<>();
        Map<String, TaskRecord> launched = new LinkedHashMap<>();
        List<Call.Builder> accepts = new ArrayList<>();
        for (Offer offer : offers) {
            List<Offer.Operation> operations = new ArrayList<>(reservations.cleanupOrphans(offer, held.get(offer.getId().getValue())));
            List<OfferMatcher.Placement> placements = match.placements().getOrDefault(offer.getId().getValue(), List.of());
            Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
            for (OfferMatcher.Placement p : placements) {
                PodSpec pod = p.pod();
                ReservationRecord reservation = pod.volume() == null ? null
                        : reservations.reserveFor(pod, offer, held.get(offer.getId().getValue()), operations, now);
                String taskId = TaskFactory.newTaskId(pod);
                TaskInfo task = taskFactory.build(taskId, p, offer.getAgentId(), offer.getHostname(),
                        offer.getFrameworkId(), reservation, offer.getAttributesList());
                Map<String, Long> ports = new LinkedHashMap<>();
                for (int i = 0; i < p.ports().size(); i++) {
                    ports.put(pod.portNames().get(i), p.ports().get(i));
                }
                TaskRecord record = TaskRecord.staging(taskId, pod.resource(), pod.instance(), pod.configHash(),
                        offer.getAgentId().getValue(), agentUrl(offer), offer.getHostname(), ports, pod.group(), now);
                launched.put(taskId, record);
                metrics.launched(pod.resource().kind());
                tasks.put(taskId, record);
                pending.getOrDefault(pod.resource(), new HashMap<>()).remove(pod.instance());
                launch.addTaskInfos(task);
                LOG.info("launching {} on agent {} ({})", taskId, offer.getAgentId().getValue(), offer.getHostname());
                events.record(pod.resource(), "Normal", "Launching", "instance " + pod.instance() + " as task " + taskId
                        + " on agent " + offer.getAgentId().getValue());
            }
            if (launch.getTaskInfosCount() > 0) {
                operations.add(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(launch).build());
            }
            if (operations.isEmpty()) {
                unused.add(offer);
                continue;
            }
            metrics.offerUsed();
            accepts.add(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                    .addOfferIds(offer.getId())
                    .addAllOperations(operations)
                    .setFilters(Filters.newBuilder().setRefuseSeconds(1))));
        }
        // the records of every task this round launches, stored before any launch leaves (a crash
        // now is found by reconciliation), in a few transactions rather than one write per task
        store.putTasks(launched, true);
        accepts.forEach(send);
        pending.values().removeIf(Map::isEmpty);
        boolean nothingWaits = pending.isEmpty() && !reservations.cleanupWaits();
        // what still waits did not fit these offers: look again soon, not at once
        decline(unused, nothingWaits ? 120 : 5);
        if (nothingWaits && !suppressed) {
            suppressed = true;
            send.accept(Call.newBuilder().setType(Call.Type.SUPPRESS).setSuppress(Call.Suppress.getDefaultInstance()));
            LOG.debug("nothing waits for resources: suppressed offers");
        }
    }

    /** The agent's HTTP address as the offer gives it (Offer.url), or null. */
    private static String agentUrl(Offer offer) {
        if (!offer.hasUrl()) {
            return null;
        }
        org.apache.mesos.v1.Protos.Address a = offer.getUrl().getAddress();
        String host = a.hasIp() ? a.getIp() : a.getHostname();
        return offer.getUrl().getScheme() + "://" + host + ":" + a.getPort();
    }

    private void decline(List<Offer> offers, double refuseSeconds) {
        if (offers.isEmpty()) {
            return;
        }
        metrics.offersDeclined(offers.size());
        List<OfferID> ids = offers.stream().map(Offer::getId).toList();
        send.accept(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
                .addAllOfferIds(ids).setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds))));
    }

    /**
     * New demand: un-suppress and clear decline filters, at most once every {@link #REVIVE_EVERY}
     * (no revive storm); demand within that window gets one revive at its end rather than none,
     * which would leave it waiting for the declined offers' filters to expire.
     */
    public void revive() {
        long now = System.nanoTime();
        long wait = lastReviveNanos + REVIVE_EVERY.toNanos() - now;
        if (wait > 0 && !suppressed) {
            if (!reviveDeferred) {
                reviveDeferred = true;
                loop.schedule(() -> {
                    reviveDeferred = false;
                    revive();
                }, wait, TimeUnit.NANOSECONDS);
            }
            return;
        }
        lastReviveNanos = now;
        suppressed = false;
        send.accept(Call.newBuilder().setType(Call.Type.REVIVE).setRevive(Call.Revive.getDefaultInstance()));
    }
}
