package io.mesosoperator.scheduler.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.kind.ConfigHash;
import io.mesosoperator.scheduler.kind.Desired;
import io.mesosoperator.scheduler.kind.DistributionPod;
import io.mesosoperator.scheduler.kind.Jmx;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.Reconciliation;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
import io.mesosoperator.scheduler.kind.SnapshotReadiness;
import io.mesosoperator.scheduler.kind.WorkloadKind;
import io.mesosoperator.scheduler.kind.WorkloadProbe;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecBinding;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.common.Uuid;

/**
 * KafkaCluster: N brokers in KRaft mode and a controller quorum, either combined (the first
 * {@code controllers} brokers also run the controllers) or dedicated (controller-only instances
 * {@value KafkaSpec#CONTROLLER_BASE}+K next to broker-only instances N; {@code dedicatedControllers}).
 * Every instance keeps its node.id (= its instance) and its log or metadata directory on its
 * persistent volume, and is always relaunched there. The quorum grows dynamically (KIP-853): the
 * first controller formats itself as the only voter, later controllers join as observers and the
 * {@link KafkaProbe} adds them as voters, so the ports Mesos offers may differ at every launch.
 * Readiness is the AdminClient's view (a broker is in the cluster metadata; a controller is a voter
 * that caught up with the leader since it started); a rolling update waits for no partition to be
 * under-replicated before it replaces the next instance. Dedicated controllers may be added (made
 * voters) and removed (out of the voter set first, then stopped). Placement limits count
 * controllers and brokers apart (pod groups), so a controller and a broker may share an agent.
 */
public final class KafkaReconciler extends WorkloadKind<KafkaSpec, KafkaProbe> {
    public static final KindDefinition KIND = new KindDefinition("KafkaCluster", "kafka.schema.json", "brokers",
            Set.of("brokers", "controllers", "drainOnScaleDown"), Set.of("dedicatedControllers"));
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** What a broker's configuration hash leaves out: the scale fields, and the controllers' own sizes. */
    private static final Set<String> BROKER_UNTASKED = brokerUntasked();
    /** Pod groups, and the names of the ports each role listens on. */
    static final String BROKER = "broker";
    static final String CONTROLLER = "controller";
    private static final String LOG_DIR = "data/kafka-logs";
    /** server.properties keys the operator owns: a user value would break identity or addressing. */
    private static final List<String> OWNED_KEYS = List.of("node.id", "broker.id", "process.roles", "listeners",
            "advertised.listeners", "log.dirs", "log.dir", "metadata.log.dir", "inter.broker.listener.name",
            "listener.security.protocol.map");
    private static final Duration LOOK_AGAIN = Duration.ofSeconds(2);

    /** Each cluster's secret: the JMX password of its JVMs. */
    private final java.util.function.Function<ResourceKey, String> secrets;

    /**
     * @param defaultDistribution the Kafka tarball URI for specs that name none (null: they must)
     * @param secrets             each cluster's secret, the same for every operator instance (ZkStore::secret)
     */
    public KafkaReconciler(RecoveryPolicy policy, String defaultDistribution, KafkaProbe probe,
                           java.util.function.Function<ResourceKey, String> secrets) {
        super(KIND, KafkaSpec.class, policy, defaultDistribution, probe);
        this.secrets = secrets;
    }

    @Override
    public List<FieldError> check(Resource resource, String role) {
        return check(resource, null, role);
    }

    @Override
    public List<FieldError> check(Resource resource, Resource running, String role) {
        KafkaSpec spec = SpecBinding.bind(resource.spec(), KafkaSpec.class);
        List<FieldError> errors = new ArrayList<>();
        FieldError volumes = SpecBinding.volumeNeedsRole("spec.disk", role);
        if (volumes != null) {
            errors.add(volumes);
        }
        if (spec.maxControllersPerAgent() != null && !spec.dedicatedControllers()) {
            errors.add(FieldError.of("spec.maxControllersPerAgent", "only applies with spec.dedicatedControllers: true"
                    + " (in combined mode the controllers are brokers: spec.maxBrokersPerAgent places them)"));
        }
        checkHeap(errors, spec.heap(), spec.mem());
        if (spec.controllerResources() != null && !spec.dedicatedControllers()) {
            errors.add(FieldError.of("spec.controllerResources", "only applies with spec.dedicatedControllers: true"
                    + " (in combined mode the controllers are brokers, sized by spec.cpus/mem/heap/disk)"));
        } else if (spec.controllerResources() != null) {
            KafkaSpec controllers = spec.forControllers();
            checkHeap(errors, "spec.controllerResources.heap", controllers.heap(), "the controllers' mem", controllers.mem());
        }
        checkDistribution(errors, "distribution", spec.distribution(), "kafkaDistribution");
        if (spec.config() != null) {
            for (String key : spec.config().keySet()) {
                if (OWNED_KEYS.contains(key) || key.startsWith("controller.")) {
                    errors.add(FieldError.of("spec.config." + key, "is set by the operator and cannot be overridden"));
                }
            }
        }
        if (running != null) {
            KafkaSpec was = SpecBinding.bind(running.spec(), KafkaSpec.class);
            errors.addAll(quorumChange(was, spec));
            errors.addAll(reservedSizeChanges(was, spec));
        }
        KafkaProbe.Snapshot seen = probe.snapshot(resource.key());
        if (seen != null && seen.error() == null && spec.drainOnScaleDown()
                && seen.replicasPerBroker().keySet().stream().anyMatch(b -> b >= spec.brokers())
                && seen.maxReplicationFactor() > spec.brokers()) {
            errors.add(FieldError.of("spec.brokers", "a topic has " + seen.maxReplicationFactor() + " replicas per partition,"
                    + " more than the " + spec.brokers() + " broker(s) that would remain: draining cannot place them"));
        }
        if (seen != null && seen.error() == null && !spec.drainOnScaleDown()) {
            for (Map.Entry<Integer, Integer> held : seen.replicasPerBroker().entrySet()) {
                if (held.getKey() >= spec.brokers()) {
                    errors.add(FieldError.of("spec.brokers", "broker " + held.getKey() + " still holds " + held.getValue()
                            + " partition replica(s); reassign them to the remaining brokers first, or set"
                            + " spec.drainOnScaleDown: true to have the operator move them"));
                }
            }
        }
        if (seen != null && seen.quorumError() == null && !spec.dedicatedControllers()
                && !seen.voters().isEmpty() && spec.brokers() < seen.voters().size()) {
            errors.add(FieldError.of("spec.brokers", "must be at least " + seen.voters().size()
                    + ": in combined mode the first brokers are the controllers, and removing controllers from the"
                    + " quorum is not yet supported"));
        }
        return errors;
    }

    /**
     * What may become of the quorum: dedicated controllers may be added (each joins as an observer
     * and is made a voter) and removed (each leaves the voter set, then stops); combined controllers
     * are fixed (a broker would change role). A change of dedicatedControllers itself is refused as
     * a fixed field (KIND).
     */
    static List<FieldError> quorumChange(KafkaSpec before, KafkaSpec after) {
        if (before.dedicatedControllers() != after.dedicatedControllers() || before.controllers() == after.controllers()
                || after.dedicatedControllers()) {
            return List.of();
        }
        return List.of(FieldError.of("spec.controllers", "cannot change once the cluster exists in combined mode"
                + " (it is " + before.controllers() + "): the first brokers are the controllers"));
    }

    @Override
    protected Desired desire(KafkaSpec spec, Reconciliation r) {
        ResourceKey key = r.key();
        Map<Integer, TaskRecord> running = r.running();
        Map<Integer, String> brokers = new TreeMap<>();
        Map<Integer, String> controllers = new TreeMap<>();
        running.forEach((id, t) -> {
            if (spec.runsBroker(id) && t.address(BROKER) != null) {
                brokers.put(id, t.address(BROKER));
            }
            if (spec.runsController(id) && t.address(CONTROLLER) != null) {
                controllers.put(id, t.address(CONTROLLER));
            }
        });
        KafkaProbe.Snapshot seen = probe.snapshot(key);
        // dedicated controllers scaled away leave the voter set first (the probe removes them, the
        // highest first); each keeps running until it is out, then it is stopped and its volume freed
        Set<Integer> retiring = new TreeSet<>();
        Set<Integer> leaving = new TreeSet<>();
        if (spec.dedicatedControllers()) {
            int firstGone = KafkaSpec.CONTROLLER_BASE + spec.controllers();
            boolean quorumKnown = seen != null && seen.quorumError() == null;
            for (int id : controllers.keySet()) {
                if (id >= firstGone) {
                    retiring.add(id);
                    if (!quorumKnown || seen.voters().contains(id)) {
                        leaving.add(id);
                    }
                }
            }
            if (quorumKnown) {
                seen.voters().stream().filter(id -> id >= firstGone).forEach(retiring::add);
            }
            controllers.keySet().removeAll(retiring); // neither asked, nor bootstrapped from, nor made voters again
        }
        probe.watch(key, List.copyOf(brokers.values()), controllers);
        probe.retire(key, retiring);
        JsonNode previous = r.previousWorkload();
        boolean quorumFormed = (previous != null && previous.path("quorumFormed").asBoolean())
                || (seen != null && seen.quorumLeader() != null && seen.quorumLeader() >= 0);
        // what an instance that starts now bootstraps from: before the quorum formed, only its founder
        Map<Integer, String> quorumPeers = new TreeMap<>(controllers);
        if (!quorumFormed) {
            quorumPeers.keySet().retainAll(Set.of(spec.founder()));
        }

        // a broker scaled away with drainOnScaleDown keeps running until its replicas have moved
        Set<Integer> draining = new TreeSet<>();
        if (spec.drainOnScaleDown()) {
            for (int id : brokers.keySet()) {
                if (id >= spec.brokers() && (seen == null || seen.error() != null
                        || seen.replicasPerBroker().getOrDefault(id, 0) > 0)) {
                    draining.add(id);
                }
            }
        }
        Set<Integer> remaining = new TreeSet<>(brokers.keySet());
        remaining.removeIf(id -> id >= spec.brokers());
        probe.drain(key, draining, remaining);
        int keep = draining.isEmpty() ? spec.brokers() : Math.max(spec.brokers(), Collections.max(draining) + 1);

        Sizing sizing = Sizing.of(r.resource(), spec);
        String clusterId = clusterId(r.resource());
        // dedicated controllers first: in a serial plan the quorum stands before any broker starts
        List<Integer> ids = new ArrayList<>();
        if (spec.dedicatedControllers()) {
            ids.addAll(spec.controllerIds());
            ids.addAll(leaving);
        }
        for (int i = 0; i < keep; i++) {
            ids.add(i);
        }
        List<PodSpec> pods = new ArrayList<>();
        String secret = secrets.apply(key);
        for (int id : ids) {
            pods.add(pod(key, id, sizing.specOf(id), sizing.hashOf(id), clusterId, quorumPeers, quorumFormed, secret));
        }
        WorkloadProbe readiness = new SnapshotReadiness(seen == null ? null : seen.takenAt(),
                "waiting for the AdminClient to look at the cluster") {
            @Override
            protected String notReadyInSnapshot(TaskRecord task) {
                int id = task.instance();
                if (spec.runsBroker(id)) {
                    if (seen.error() != null) {
                        return seen.error();
                    }
                    if (!seen.brokers().contains(id)) {
                        return "broker " + id + " is not in the cluster metadata yet";
                    }
                }
                if (spec.runsController(id)) {
                    // unanswered for longer than the probe's grace: its last answer no longer stands in
                    if (seen.quorumError() != null && seen.voters().isEmpty()) {
                        return seen.quorumError();
                    }
                    if (!seen.voters().contains(id)) {
                        return "controller " + id + " is not a voter of the KRaft quorum yet";
                    }
                    Long caughtUp = seen.caughtUp().get(id);
                    if (caughtUp == null || caughtUp < Instant.parse(task.runningSince()).toEpochMilli()) {
                        return "controller " + id + " has not caught up with the quorum leader since it started";
                    }
                }
                return null;
            }

            @Override
            public String rollBlocker() {
                if (seen == null || seen.error() != null || seen.quorumError() != null) {
                    return "no answer from the cluster yet";
                }
                return seen.underReplicatedPartitions() > 0
                        ? seen.underReplicatedPartitions() + " partition(s) under-replicated" : null;
            }

            @Override
            public String launchBlocker(PodSpec pod) {
                return KafkaReconciler.launchBlocker(spec, pod.instance(), quorumFormed, quorumPeers);
            }
        };
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("clusterId", clusterId);
        details.put("bootstrapServers", String.join(",", brokers.values()));
        details.put("controllerBootstrapServers", String.join(",", controllers.values()));
        details.put("quorumFormed", quorumFormed);
        if (seen != null) {
            if (seen.quorumLeader() != null && seen.quorumLeader() >= 0) {
                details.put("controllerLeader", seen.quorumLeader());
            }
            seen.voters().forEach(details.putArray("voters")::add);
            seen.brokers().forEach(details.putArray("brokersInMetadata")::add);
            details.put("underReplicatedPartitions", seen.underReplicatedPartitions());
            ObjectNode replicas = details.putObject("partitionReplicas");
            seen.replicasPerBroker().forEach((broker, count) -> replicas.put(Integer.toString(broker), count));
            if (!draining.isEmpty()) {
                draining.forEach(details.putArray("draining")::add);
            }
            if (!retiring.isEmpty()) {
                retiring.forEach(details.putArray("leavingQuorum")::add);
            }
            String error = seen.error() != null ? seen.error() : seen.quorumError();
            if (error != null && !running.isEmpty()) {
                details.put("lastError", error);
            }
        }
        return Desired.pods(pods, spec.strategy()).readiness(readiness).workload(details)
                .lookAgainUntilSettled(LOOK_AGAIN, !draining.isEmpty() || !retiring.isEmpty());
    }

    /**
     * Why instance {@code id} may not start yet, or null. A controller other than the founder, and
     * a broker-only instance, join through a running controller: before the quorum has formed (the
     * founder is its leader) there is none to join, and a broker needs one to bootstrap from at all.
     * A controller of a formed quorum starts on its own: its log holds the voter set.
     */
    static String launchBlocker(KafkaSpec spec, int id, boolean quorumFormed, Map<Integer, String> quorumPeers) {
        String founder = (spec.dedicatedControllers() ? "controller " : "broker ") + spec.founder();
        if (!quorumFormed && id != spec.founder()) {
            return "waits for the KRaft quorum to form (" + founder + " founds it)";
        }
        if (!spec.runsController(id) && quorumPeers.isEmpty()) {
            return "waits for a running controller to bootstrap from";
        }
        return null;
    }

    /**
     * Sizes an existing cluster cannot change (each instance reserved them with its volume): the
     * spec's, and the dedicated controllers' own; a change named at the spec's field (which the
     * controllers inherit) is not named again at theirs.
     */
    static List<FieldError> reservedSizeChanges(KafkaSpec was, KafkaSpec spec) {
        List<FieldError> errors = new ArrayList<>(was.reservedSize().changesTo(spec.reservedSize(), "spec.cpus", "spec.mem",
                "spec.disk"));
        if (was.dedicatedControllers() && spec.dedicatedControllers()) {
            String prefix = "spec.controllerResources.";
            for (FieldError e : was.forControllers().reservedSize().changesTo(spec.forControllers().reservedSize(),
                    prefix + "cpus", prefix + "mem", prefix + "disk")) {
                String inherited = "spec." + e.path().substring(prefix.length());
                if (errors.stream().noneMatch(b -> b.path().equals(inherited))) {
                    errors.add(e);
                }
            }
        }
        return errors;
    }

    private static Set<String> brokerUntasked() {
        Set<String> fields = new java.util.HashSet<>(KIND.untaskedFields());
        fields.add("controllerResources");
        return Set.copyOf(fields);
    }

    /**
     * How each instance is sized, and the configuration hash it runs with: brokers (and combined
     * instances) by the spec, whose hash leaves out the controllers' sizes; dedicated controllers by
     * the spec as they run it (their own sizes in place of the spec's). Resizing either rolls only
     * its own instances, and a spec without controllerResources hashes as it always did.
     */
    record Sizing(KafkaSpec brokers, String brokerHash, KafkaSpec controllers, String controllerHash) {
        static Sizing of(Resource resource, KafkaSpec spec) {
            ObjectNode asControllersRunIt = resource.spec().deepCopy();
            JsonNode own = asControllersRunIt.remove("controllerResources");
            if (own != null) {
                own.fields().forEachRemaining(f -> asControllersRunIt.set(f.getKey(), f.getValue()));
            }
            return new Sizing(spec, ConfigHash.of(resource.spec(), BROKER_UNTASKED), spec.forControllers(),
                    ConfigHash.of(asControllersRunIt, KIND.untaskedFields()));
        }

        KafkaSpec specOf(int id) {
            return brokers.runsBroker(id) ? brokers : controllers;
        }

        String hashOf(int id) {
            return brokers.runsBroker(id) ? brokerHash : controllerHash;
        }
    }

    /** Deterministic from the resource's uid, so every instance formats with the same cluster id, at any time. */
    static String clusterId(Resource resource) {
        return clusterId(UUID.fromString(resource.metadata().path("uid").asText()));
    }

    /**
     * Never starting with '-', as Kafka's own random ids never do: kafka-storage would read
     * "-t -abc..." as an option and the first instance could never format (1 uid in 64). Such a
     * uid's id has its highest bit cleared ('-' becomes 'e'); every other uid keeps the id it had.
     */
    static String clusterId(UUID uid) {
        Uuid id = new Uuid(uid.getMostSignificantBits(), uid.getLeastSignificantBits());
        if (id.toString().startsWith("-")) {
            id = new Uuid(uid.getMostSignificantBits() & Long.MAX_VALUE, uid.getLeastSignificantBits());
        }
        return id.toString();
    }

    /**
     * Instance {@code id}: a broker, a controller, or both (combined mode). {@code quorumPeers} are
     * the running controllers it may bootstrap from (a controller lists itself too). Its JVM opens
     * JMX for the operator, with {@code secret} as the password (its heap and GC time).
     */
    PodSpec pod(ResourceKey key, int id, KafkaSpec spec, String hash, String clusterId,
                Map<Integer, String> quorumPeers, boolean quorumFormed, String secret) {
        boolean controller = spec.runsController(id);
        boolean broker = spec.runsBroker(id);
        List<String> quorumAddresses = new ArrayList<>();
        quorumPeers.forEach((other, address) -> {
            if (other != id) {
                quorumAddresses.add(address);
            }
        });
        List<String> listeners = new ArrayList<>();
        List<String> roles = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        if (broker) {
            listeners.add("PLAINTEXT://${MESOS_OPERATOR_HOST}:${PORT_BROKER}");
            roles.add(BROKER);
            ports.add(BROKER);
        }
        if (controller) {
            quorumAddresses.add("${MESOS_OPERATOR_HOST}:${PORT_CONTROLLER}");
            listeners.add(CONTROLLER_LISTENER + "://${MESOS_OPERATOR_HOST}:${PORT_CONTROLLER}");
            roles.add(CONTROLLER);
            ports.add(CONTROLLER);
        }
        int replication = Math.min(3, spec.brokers());
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("process.roles", String.join(",", roles));
        props.put("node.id", id);
        props.put("controller.quorum.bootstrap.servers", String.join(",", quorumAddresses));
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listeners", String.join(",", listeners));
        props.put("advertised.listeners", String.join(",", listeners));
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        if (broker) {
            props.put("inter.broker.listener.name", "PLAINTEXT");
        }
        props.put("log.dirs", LOG_DIR);
        props.put("offsets.topic.replication.factor", replication);
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", Math.min(2, replication));
        if (spec.heap() < 512) {
            // the log cleaner's default 128 MiB dedupe buffer does not fit a small heap (OutOfMemoryError at start)
            props.put("log.cleaner.dedupe.buffer.size", spec.heap() / 8 * 1024 * 1024);
        }
        if (spec.config() != null) {
            props.putAll(spec.config()); // controllers too: they apply topic defaults (num.partitions, ...)
        }
        // first start on an empty volume: format it; the founder starts the quorum, later controllers join it
        String format = !controller ? "" : id == spec.founder() && !quorumFormed ? " --standalone" : " --no-initial-controllers";
        String java = "\"$MESOS_OPERATOR_JAVA\" -Dlog4j2.configurationFile=kafka/config/log4j2.yaml -cp 'kafka/libs/*'";
        String command = "set -e\n"
                + "if [ ! -f " + LOG_DIR + "/meta.properties ]; then\n"
                + "  " + java + " kafka.tools.StorageTool format -t " + clusterId + " -c server.properties" + format + "\n"
                + "fi\n"
                + "exec " + java.replace("-Dlog4j2", "-Xms" + spec.heap() + "m -Xmx" + spec.heap() + "m "
                        + String.join(" ", Jmx.remoteJvmOptions()) + " -Dlog4j2")
                + " kafka.Kafka server.properties\n";
        PodSpec.HealthCheckSpec health = new PodSpec.HealthCheckSpec("tcp", null, broker ? BROKER : CONTROLLER, null, null,
                0, 2, 2, 30, 120);
        boolean controllerOnly = controller && !broker;
        return DistributionPod.of(key, id, distribution(spec.distribution())).resources(spec.cpus(), spec.mem())
                .command(command).ports(ports).healthCheck(health).killGracePeriod(Duration.ofSeconds(30)).configHash(hash)
                .volume(new PodSpec.Volume(spec.disk(), "data"))
                .files(List.of(new PodSpec.ConfigFile("server.properties", "properties", SpecBinding.tree(props))))
                .jmxForOperator(secret, "readonly")
                .maxPerAgent(controllerOnly ? spec.controllersPerAgent() : spec.maxBrokersPerAgent())
                .group(controllerOnly ? CONTROLLER : BROKER)
                .build();
    }
}
