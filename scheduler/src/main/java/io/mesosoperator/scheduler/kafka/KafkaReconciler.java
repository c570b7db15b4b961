package io.mesosoperator.scheduler.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.reconcile.ConfigHash;
import io.mesosoperator.scheduler.reconcile.InstanceSet;
import io.mesosoperator.scheduler.reconcile.PodSpec;
import io.mesosoperator.scheduler.reconcile.ReconcileResult;
import io.mesosoperator.scheduler.reconcile.WorkloadReconciler;
import io.mesosoperator.scheduler.reconcile.RecoveryPolicy;
import io.mesosoperator.scheduler.reconcile.Strategy;
import io.mesosoperator.scheduler.reconcile.TaskRecord;
import io.mesosoperator.scheduler.reconcile.WorkloadProbe;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecBinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.common.Uuid;

/**
 * KafkaCluster: N brokers in KRaft mode, the first {@code controllers} of them also controllers
 * (combined mode). Broker N is instance N: node.id N, its log directory on its persistent volume,
 * always relaunched there. The quorum grows dynamically (KIP-853): broker 0 formats itself as the
 * only voter, later controllers join as observers and the {@link KafkaProbe} adds them as voters,
 * so the ports Mesos offers may differ at every launch. Readiness is the AdminClient's view (the
 * broker is in the cluster metadata; a controller is a voter); a rolling update waits for no
 * partition to be under-replicated before it replaces the next broker.
 */
public final class KafkaReconciler extends WorkloadReconciler<KafkaProbe> {
    public static final KindDefinition KIND = new KindDefinition("KafkaCluster", "kafka.schema.json",
            Set.of("brokers", "drainOnScaleDown"));
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String LOG_DIR = "data/kafka-logs";
    /** server.properties keys the operator owns: a user value would break identity or addressing. */
    private static final List<String> OWNED_KEYS = List.of("node.id", "broker.id", "process.roles", "listeners",
            "advertised.listeners", "log.dirs", "log.dir", "inter.broker.listener.name", "listener.security.protocol.map");
    private static final Duration LOOK_AGAIN = Duration.ofSeconds(2);

    /** @param defaultDistribution the Kafka tarball URI for specs that name none (null: they must) */
    public KafkaReconciler(RecoveryPolicy policy, String defaultDistribution, KafkaProbe probe) {
        super(KIND, policy, defaultDistribution, probe);
    }

    @Override
    public List<FieldError> check(Resource resource, String role) {
        KafkaSpec spec = SpecBinding.bind(resource.spec(), KafkaSpec.class);
        List<FieldError> errors = new ArrayList<>();
        FieldError volumes = SpecBinding.volumeNeedsRole("spec.disk", role);
        if (volumes != null) {
            errors.add(volumes);
        }
        if (spec.dedicatedControllers()) {
            errors.add(FieldError.of("spec.dedicatedControllers", "not yet supported: the first spec.controllers brokers"
                    + " run the controllers (combined mode)"));
        }
        checkHeap(errors, spec.heap(), spec.mem());
        checkDistribution(errors, "distribution", spec.distribution(), "kafkaDistribution");
        if (spec.config() != null) {
            for (String key : spec.config().keySet()) {
                if (OWNED_KEYS.contains(key) || key.startsWith("controller.")) {
                    errors.add(FieldError.of("spec.config." + key, "is set by the operator and cannot be overridden"));
                }
            }
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
            if (!seen.voters().isEmpty() && spec.brokers() < seen.voters().size()) {
                errors.add(FieldError.of("spec.brokers", "must be at least " + seen.voters().size()
                        + ": removing controllers from the quorum is not yet supported"));
            }
        }
        return errors;
    }

    @Override
    public ReconcileResult reconcile(Resource resource, Observed observed, Instant now) {
        KafkaSpec spec = SpecBinding.bind(resource.spec(), KafkaSpec.class);
        ResourceKey key = resource.key();
        int quorum = spec.quorumSize();
        Map<Integer, TaskRecord> running = new TreeMap<>();
        for (TaskRecord t : observed.tasks()) {
            if ("TASK_RUNNING".equals(t.state()) && !t.killRequested() && t.address("broker") != null) {
                running.put(t.instance(), t);
            }
        }
        Map<Integer, String> controllers = new TreeMap<>();
        List<String> bootstrap = new ArrayList<>();
        running.forEach((id, t) -> {
            bootstrap.add(t.address("broker"));
            if (id < quorum && t.address("controller") != null) {
                controllers.put(id, t.address("controller"));
            }
        });
        probe.watch(key, bootstrap, controllers);
        KafkaProbe.Snapshot seen = probe.snapshot(key);
        JsonNode previous = observed.previousStatus() == null ? null : observed.previousStatus().workload();
        boolean quorumFormed = (previous != null && previous.path("quorumFormed").asBoolean())
                || (seen != null && seen.quorumLeader() != null && seen.quorumLeader() >= 0);

        // a broker scaled away with drainOnScaleDown keeps running until its replicas have moved
        Set<Integer> draining = new java.util.TreeSet<>();
        if (spec.drainOnScaleDown()) {
            for (int id : running.keySet()) {
                if (id >= spec.brokers() && (seen == null || seen.error() != null
                        || seen.replicasPerBroker().getOrDefault(id, 0) > 0)) {
                    draining.add(id);
                }
            }
        }
        Set<Integer> remaining = new java.util.TreeSet<>(running.keySet());
        remaining.removeIf(id -> id >= spec.brokers());
        probe.drain(key, draining, remaining);
        int keep = draining.isEmpty() ? spec.brokers() : Math.max(spec.brokers(), java.util.Collections.max(draining) + 1);

        String hash = ConfigHash.of(resource.spec(), KIND.untaskedFields());
        String clusterId = clusterId(resource);
        List<PodSpec> pods = new ArrayList<>();
        for (int i = 0; i < keep; i++) {
            pods.add(pod(key, i, spec, hash, clusterId, controllers, quorumFormed));
        }
        WorkloadProbe readiness = new WorkloadProbe() {
            @Override
            public String notReady(TaskRecord task) {
                if (seen == null || task.runningSince() == null || seen.takenAt().isBefore(Instant.parse(task.runningSince()))) {
                    return "waiting for the AdminClient to look at the cluster";
                }
                if (seen.error() != null) {
                    return seen.error();
                }
                if (!seen.brokers().contains(task.instance())) {
                    return "broker " + task.instance() + " is not in the cluster metadata yet";
                }
                if (task.instance() < quorum && !seen.voters().contains(task.instance())) {
                    return "controller " + task.instance() + " is not a voter of the KRaft quorum yet";
                }
                return null;
            }

            @Override
            public String rollBlocker() {
                if (seen == null || seen.error() != null) {
                    return "no answer from the cluster yet";
                }
                return seen.underReplicatedPartitions() > 0
                        ? seen.underReplicatedPartitions() + " partition(s) under-replicated" : null;
            }
        };
        ReconcileResult result = InstanceSet.reconcile(resource, pods, Strategy.of(spec.strategy()), readiness, observed,
                policy, now);
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("clusterId", clusterId);
        details.put("bootstrapServers", String.join(",", bootstrap));
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
            if (seen.error() != null) {
                details.put("lastError", seen.error());
            }
        }
        boolean settling = !draining.isEmpty() || result.status().readyReplicas() < spec.brokers()
                || result.status().instances().stream().anyMatch(i -> i.outdated());
        Duration requeue = result.requeueAfter();
        if (settling && (requeue == null || requeue.compareTo(LOOK_AGAIN) > 0)) {
            requeue = LOOK_AGAIN; // readiness comes from the probe, whose picture moves on its own
        }
        return new ReconcileResult(result.launches(), result.kills(), result.status().withWorkload(details), requeue);
    }

    /** Deterministic from the resource's uid, so every broker formats with the same cluster id, at any time. */
    static String clusterId(Resource resource) {
        UUID uid = UUID.fromString(resource.metadata().path("uid").asText());
        return new Uuid(uid.getMostSignificantBits(), uid.getLeastSignificantBits()).toString();
    }

    private PodSpec pod(ResourceKey key, int id, KafkaSpec spec, String hash, String clusterId,
                        Map<Integer, String> controllers, boolean quorumFormed) {
        boolean controller = id < spec.quorumSize();
        List<String> quorumAddresses = new ArrayList<>();
        controllers.forEach((other, address) -> {
            if (other != id) {
                quorumAddresses.add(address);
            }
        });
        if (controller) {
            quorumAddresses.add("${MESOS_OPERATOR_HOST}:${PORT_CONTROLLER}");
        }
        String listeners = "PLAINTEXT://${MESOS_OPERATOR_HOST}:${PORT_BROKER}"
                + (controller ? "," + CONTROLLER_LISTENER + "://${MESOS_OPERATOR_HOST}:${PORT_CONTROLLER}" : "");
        int replication = Math.min(3, spec.brokers());
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("process.roles", controller ? "broker,controller" : "broker");
        props.put("node.id", id);
        props.put("controller.quorum.bootstrap.servers", String.join(",", quorumAddresses));
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listeners", listeners);
        props.put("advertised.listeners", listeners);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", LOG_DIR);
        props.put("offsets.topic.replication.factor", replication);
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", Math.min(2, replication));
        if (spec.heap() < 512) {
            // the log cleaner's default 128 MiB dedupe buffer does not fit a small heap (OutOfMemoryError at start)
            props.put("log.cleaner.dedupe.buffer.size", spec.heap() / 8 * 1024 * 1024);
        }
        if (spec.config() != null) {
            props.putAll(spec.config());
        }
        // first start on an empty volume: format it; broker 0 founds the quorum, later controllers join it
        String format = !controller ? "" : id == 0 && !quorumFormed ? " --standalone" : " --no-initial-controllers";
        String java = "\"$MESOS_OPERATOR_JAVA\" -Dlog4j2.configurationFile=kafka/config/log4j2.yaml -cp 'kafka/libs/*'";
        String command = "set -e\n"
                + "if [ ! -f " + LOG_DIR + "/meta.properties ]; then\n"
                + "  " + java + " kafka.tools.StorageTool format -t " + clusterId + " -c server.properties" + format + "\n"
                + "fi\n"
                + "exec " + java.replace("-Dlog4j2", "-Xms" + spec.heap() + "m -Xmx" + spec.heap() + "m -Dlog4j2")
                + " kafka.Kafka server.properties\n";
        String distribution = spec.distribution() != null ? spec.distribution() : defaultDistribution;
        PodSpec.HealthCheckSpec health = new PodSpec.HealthCheckSpec("tcp", null, "broker", null, null,
                0, 2, 2, 30, 120);
        return new PodSpec(key, id, spec.cpus(), spec.mem(), 0, command, Map.of(),
                List.of(new PodSpec.Artifact(distribution, true, false, null)),
                controller ? List.of("broker", "controller") : List.of("broker"), health, Duration.ofSeconds(30), hash,
                new PodSpec.Volume(spec.disk(), "data"),
                List.of(new PodSpec.ConfigFile("server.properties", "properties",
                        SpecBinding.tree(props))),
                spec.maxBrokersPerAgent());
    }
}
