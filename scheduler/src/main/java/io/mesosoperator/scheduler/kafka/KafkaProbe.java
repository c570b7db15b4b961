package io.mesosoperator.scheduler.kafka;

import io.mesosoperator.scheduler.kind.PollingProbe;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's view into the Kafka clusters it runs, through the Kafka AdminClient: which
 * brokers are in the cluster metadata, the KRaft quorum (leader, voters, observers, when each voter
 * last caught up with the leader), partitions under-replicated and replicas per broker. Two clients
 * per cluster: one bootstrapped from the controllers (bootstrap.controllers, KIP-919) asks the quorum,
 * so dedicated controllers are seen before any broker runs; one bootstrapped from the brokers asks
 * for brokers and topics. Polls every {@link #INTERVAL} on its own thread and tells the operator
 * when a cluster's picture changed. It also grows the controller quorum: a controller that joined
 * as an observer (formatted with --no-initial-controllers) is added as a voter (KIP-853), which a
 * static controller.quorum.voters list cannot do when ports come from Mesos offers.
 */
public class KafkaProbe extends PollingProbe<KafkaProbe.Watch, KafkaProbe.Snapshot> {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaProbe.class);
    static final Duration INTERVAL = Duration.ofSeconds(2);

    /**
     * How long the controllers' last answer stands in for one they did not give: a leader killed
     * (by a roll, say) leaves the quorum unanswered for a poll or two while it elects another, and its
     * running voters are not unready for that.
     */
    static final Duration QUORUM_GRACE = Duration.ofSeconds(15);

    /**
     * What the AdminClient saw at {@code takenAt}. {@code error}: the brokers did not answer (broker
     * fields empty); {@code quorumError}: the controllers did not; the quorum fields are then their
     * last answer if it is at most {@link #QUORUM_GRACE} old, else empty.
     * {@code caughtUp}: per voter, when it last caught up with the leader's log (the leader's clock,
     * epoch millis; the leader itself: now).
     */
    public record Snapshot(Instant takenAt, Set<Integer> brokers, Integer quorumLeader, Set<Integer> voters,
                           Set<Integer> observers, Map<Integer, Long> caughtUp, int underReplicatedPartitions,
                           Map<Integer, Integer> replicasPerBroker, int maxReplicationFactor, String error,
                           String quorumError) {
        /** The same picture, the voters' catch-up times aside (they move at every poll). */
        boolean sameAs(Snapshot o) {
            return o != null && brokers.equals(o.brokers) && Objects.equals(quorumLeader, o.quorumLeader)
                    && voters.equals(o.voters) && observers.equals(o.observers)
                    && underReplicatedPartitions == o.underReplicatedPartitions
                    && replicasPerBroker.equals(o.replicasPerBroker) && Objects.equals(error, o.error)
                    && Objects.equals(quorumError, o.quorumError);
        }
    }

    static final class Watch extends PollingProbe.Watched<Snapshot> {
        volatile List<String> bootstrap = List.of();
        volatile Map<Integer, String> controllers = Map.of();
        /** Brokers being drained before they stop, and the brokers their replicas may move to. */
        volatile Set<Integer> draining = Set.of();
        volatile Set<Integer> remaining = Set.of();
        /** Controllers to remove from the voter set (scaled away). */
        volatile Set<Integer> retiring = Set.of();
        /**
         * Per voter, the latest catch-up any quorum leader reported: a leader elected a moment ago
         * knows no follower's yet, which must not make a controller that caught up long since unready.
         */
        final Map<Integer, Long> caughtUpSeen = new java.util.concurrent.ConcurrentHashMap<>();
        /** The controllers' last answer (the poll thread's only). */
        Quorum lastQuorum;
        /** Bootstrapped from the brokers (bootstrap.servers) and from the controllers (bootstrap.controllers). */
        final Client brokers = new Client(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        final Client quorum = new Client(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG);
    }

    /** The quorum as the controllers described it at {@code at}. */
    record Quorum(Instant at, Integer leader, Set<Integer> voters, Set<Integer> observers, Map<Integer, Long> caughtUp) {}

    /** An AdminClient, made anew when the addresses it bootstraps from change. */
    static final class Client {
        private final String bootstrapKey;
        private Admin admin;
        private String bootstrap;

        Client(String bootstrapKey) {
            this.bootstrapKey = bootstrapKey;
        }

        Admin get(java.util.Collection<String> addresses) {
            String next = String.join(",", addresses);
            if (admin == null || !next.equals(bootstrap)) {
                close();
                Map<String, Object> config = new HashMap<>();
                config.put(bootstrapKey, next);
                config.put(AdminClientConfig.CLIENT_ID_CONFIG, "mesos-operator");
                config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
                config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
                config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
                admin = Admin.create(config);
                bootstrap = next;
            }
            return admin;
        }

        void close() {
            if (admin != null) {
                admin.close(Duration.ofSeconds(1));
                admin = null;
            }
        }
    }

    public KafkaProbe() {
        super("kafka-probe", INTERVAL, LOG);
    }

    /**
     * Keeps watching a cluster: its running brokers' addresses and its running controllers'
     * endpoints by node id (each should be a voter; the quorum is asked through them).
     */
    void watch(ResourceKey key, List<String> bootstrap, Map<Integer, String> controllers) {
        Watch w = watch(key);
        w.bootstrap = List.copyOf(bootstrap);
        w.controllers = Map.copyOf(controllers);
    }

    /** Removes these controllers from the voter set, the highest first (empty: remove none). */
    void retire(ResourceKey key, Set<Integer> controllers) {
        watch(key).retiring = Set.copyOf(controllers);
    }

    /** Moves every partition replica off {@code draining} onto {@code remaining} brokers (empty: drain nothing). */
    void drain(ResourceKey key, Set<Integer> draining, Set<Integer> remaining) {
        Watch w = watch(key);
        w.draining = Set.copyOf(draining);
        w.remaining = Set.copyOf(remaining);
    }

    @Override
    protected Watch newWatch() {
        return new Watch();
    }

    @Override
    protected boolean same(Snapshot a, Snapshot b) {
        return a.sameAs(b);
    }

    @Override
    protected String describe(Snapshot next) {
        return "brokers " + next.brokers() + " in the metadata, quorum leader " + next.quorumLeader() + ", voters "
                + next.voters() + ", " + next.underReplicatedPartitions() + " partition(s) under-replicated"
                + (next.error() == null ? "" : " (" + next.error() + ")")
                + (next.quorumError() == null ? "" : " (" + next.quorumError() + ")");
    }

    @Override
    protected void release(Watch w) {
        w.brokers.close();
        w.quorum.close();
    }

    @Override
    protected Snapshot poll(ResourceKey key, Watch w) {
        List<String> bootstrap = w.bootstrap;
        Map<Integer, String> controllers = w.controllers;
        if (bootstrap.isEmpty() && controllers.isEmpty()) {
            return null;
        }
        Instant now = Instant.now();
        Integer leader = null;
        Set<Integer> voters = new TreeSet<>();
        Set<Integer> observers = new TreeSet<>();
        Map<Integer, Long> caughtUp = new TreeMap<>();
        String quorumError = controllers.isEmpty() ? "no controller is running" : null;
        if (!controllers.isEmpty()) {
            try {
                Admin admin = w.quorum.get(controllers.values());
                QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get(5, TimeUnit.SECONDS);
                leader = quorum.leaderId();
                List<Replica> voterReplicas = new ArrayList<>();
                for (QuorumInfo.ReplicaState v : quorum.voters()) {
                    voters.add(v.replicaId());
                    voterReplicas.add(Replica.of(v));
                    v.lastCaughtUpTimestamp().ifPresent(t -> w.caughtUpSeen.merge(v.replicaId(), t, Math::max));
                    Long seen = w.caughtUpSeen.get(v.replicaId());
                    if (seen != null) {
                        caughtUp.put(v.replicaId(), seen);
                    }
                }
                List<Replica> observerReplicas = new ArrayList<>();
                for (QuorumInfo.ReplicaState o : quorum.observers()) {
                    observers.add(o.replicaId());
                    observerReplicas.add(Replica.of(o));
                }
                w.lastQuorum = new Quorum(now, leader, Set.copyOf(voters), Set.copyOf(observers), Map.copyOf(caughtUp));
                VoterChange change = nextVoterChange(voterReplicas, observerReplicas, controllers, w.retiring);
                if (change != null) {
                    change(key, admin, change);
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                w.quorum.close(); // a fresh client next time, with the then current controllers
                leader = null;
                voters.clear();
                observers.clear();
                caughtUp.clear();
                quorumError = "the controllers did not answer: " + cause(e);
                Quorum last = w.lastQuorum;
                if (last != null && !last.at().plus(QUORUM_GRACE).isBefore(now)) {
                    leader = last.leader();
                    voters.addAll(last.voters());
                    observers.addAll(last.observers());
                    caughtUp.putAll(last.caughtUp());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        Set<Integer> brokers = new TreeSet<>();
        int underReplicated = 0;
        int maxReplicationFactor = 0;
        Map<Integer, Integer> replicas = new TreeMap<>();
        String error = null;
        if (!bootstrap.isEmpty()) {
            try {
                Admin admin = w.brokers.get(bootstrap);
                for (Node n : admin.describeCluster().nodes().get(5, TimeUnit.SECONDS)) {
                    brokers.add(n.id());
                }
                Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(5, TimeUnit.SECONDS);
                if (!topics.isEmpty()) {
                    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
                    for (TopicDescription t : described.values()) {
                        for (TopicPartitionInfo p : t.partitions()) {
                            if (p.isr().size() < p.replicas().size()) {
                                underReplicated++;
                            }
                            p.replicas().forEach(n -> replicas.merge(n.id(), 1, Integer::sum));
                            maxReplicationFactor = Math.max(maxReplicationFactor, p.replicas().size());
                        }
                    }
                    if (!w.draining.isEmpty()) {
                        moveReplicas(key, admin, described, w.draining, w.remaining, replicas);
                    }
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                w.brokers.close(); // a fresh client next time, with the then current bootstrap servers
                brokers.clear();
                replicas.clear();
                underReplicated = 0;
                maxReplicationFactor = 0;
                error = "the cluster did not answer: " + cause(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return new Snapshot(now, brokers, leader, voters, observers, caughtUp, underReplicated, replicas,
                maxReplicationFactor, error, quorumError);
    }

    private static String cause(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /**
     * Reassigns (AdminClient, KIP-455) each partition with a replica on a draining broker: that
     * replica goes to the least loaded remaining broker not already holding the partition. Only when
     * no reassignment is in progress; the brokers stream the data, and the next polls see it done.
     */
    private static void moveReplicas(ResourceKey key, Admin admin, Map<String, TopicDescription> topics,
                                     Set<Integer> draining, Set<Integer> remaining, Map<Integer, Integer> load)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        if (!admin.listPartitionReassignments().reassignments().get(5, TimeUnit.SECONDS).isEmpty()) {
            return; // the last round still streams
        }
        Map<Integer, Integer> planned = new TreeMap<>(load);
        Map<org.apache.kafka.common.TopicPartition, Optional<NewPartitionReassignment>> moves = new HashMap<>();
        for (TopicDescription t : topics.values()) {
            for (TopicPartitionInfo p : t.partitions()) {
                List<Integer> now = p.replicas().stream().map(Node::id).toList();
                if (now.stream().noneMatch(draining::contains)) {
                    continue;
                }
                List<Integer> next = new ArrayList<>();
                for (int id : now) {
                    if (!draining.contains(id)) {
                        next.add(id);
                        continue;
                    }
                    Integer target = remaining.stream().filter(b -> !now.contains(b) && !next.contains(b))
                            .min(java.util.Comparator.comparingInt((Integer b) -> planned.getOrDefault(b, 0)).thenComparing(b -> b))
                            .orElse(null);
                    if (target == null) {
                        next.clear(); // not enough brokers left for this partition's replication factor
                        break;
                    }
                    next.add(target);
                    planned.merge(target, 1, Integer::sum);
                }
                if (!next.isEmpty()) {
                    moves.put(new org.apache.kafka.common.TopicPartition(t.name(), p.partition()),
                            Optional.of(new NewPartitionReassignment(next)));
                }
            }
        }
        if (!moves.isEmpty()) {
            admin.alterPartitionReassignments(moves).all().get(10, TimeUnit.SECONDS);
            LOG.info("{}: draining brokers {}: {} partition(s) reassigned to brokers {}", key, draining, moves.size(), remaining);
        }
    }

    /** A member of the quorum as the leader describes it: node id, directory id, when it last fetched (-1: never). */
    record Replica(int id, Uuid directory, long lastFetch) {
        static Replica of(QuorumInfo.ReplicaState r) {
            return new Replica(r.replicaId(), r.replicaDirectoryId(), r.lastFetchTimestamp().orElse(-1));
        }
    }

    /** Add {@code replica} as a voter listening at {@code endpoint}, or remove it ({@code endpoint} null), because {@code why}. */
    record VoterChange(Replica replica, String endpoint, String why) {}

    /** A voter that stopped fetching this much before another process of its node id started is a stale entry. */
    static final long STALE_VOTER_MS = 5_000;

    /**
     * The next change of the voter set, at most one per poll (the leader commits one at a time), or
     * null: a retiring controller leaves it, the highest first; else a running controller whose voter
     * entry has another directory (it was given a new, empty volume) has the stale entry removed,
     * once that entry has not fetched for {@link #STALE_VOTER_MS} before the new one did (the leader
     * keeps listing a removed or stopped replica for a while); else a running controller that fetches
     * as an observer is added. Per node id, only the observer entry that fetched last counts.
     */
    static VoterChange nextVoterChange(List<Replica> voters, List<Replica> observers, Map<Integer, String> controllers,
                                       Set<Integer> retiring) {
        Map<Integer, Replica> voterById = new TreeMap<>();
        voters.forEach(v -> voterById.put(v.id(), v));
        Integer leaving = retiring.stream().filter(voterById::containsKey).max(Integer::compare).orElse(null);
        if (leaving != null) {
            return new VoterChange(voterById.get(leaving), null, "scaled away");
        }
        Map<Integer, Replica> fetching = new TreeMap<>();
        observers.forEach(o -> fetching.merge(o.id(), o, (a, b) -> b.lastFetch() > a.lastFetch() ? b : a));
        for (Replica o : fetching.values()) {
            String endpoint = controllers.get(o.id());
            if (endpoint == null || retiring.contains(o.id()) || Uuid.ZERO_UUID.equals(o.directory())) {
                continue;
            }
            Replica voter = voterById.get(o.id());
            if (voter == null) {
                return new VoterChange(o, endpoint, "joined as an observer");
            }
            if (!voter.directory().equals(o.directory()) && o.lastFetch() - voter.lastFetch() > STALE_VOTER_MS) {
                return new VoterChange(voter, null, "its volume was replaced (directory " + o.directory() + " now)");
            }
        }
        return null;
    }

    private void change(ResourceKey key, Admin admin, VoterChange change) throws InterruptedException {
        if (change.endpoint() == null) {
            removeVoter(key, admin, change.replica(), change.why());
        } else {
            addVoter(key, admin, change.replica(), change.endpoint());
        }
    }

    private void removeVoter(ResourceKey key, Admin admin, Replica voter, String why) throws InterruptedException {
        try {
            admin.removeRaftVoter(voter.id(), voter.directory()).all().get(10, TimeUnit.SECONDS);
            LOG.info("{}: controller {} (directory {}) removed from the KRaft quorum: {}", key, voter.id(),
                    voter.directory(), why);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.info("{}: removing controller {} from the quorum did not succeed yet: {}", key, voter.id(),
                    e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        }
    }

    private void addVoter(ResourceKey key, Admin admin, Replica observer, String endpoint) throws InterruptedException {
        int colon = endpoint.lastIndexOf(':');
        RaftVoterEndpoint listener = new RaftVoterEndpoint(KafkaReconciler.CONTROLLER_LISTENER,
                endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)));
        try {
            admin.addRaftVoter(observer.id(), observer.directory(), Set.of(listener)).all().get(10, TimeUnit.SECONDS);
            LOG.info("{}: controller {} ({}) added to the KRaft quorum as a voter", key, observer.id(), endpoint);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            // tried again at the next poll (e.g. the leader is still catching the observer up)
            LOG.info("{}: adding controller {} to the quorum did not succeed yet: {}", key, observer.id(),
                    e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        }
    }
}
