package io.mesosoperator.scheduler.akka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.kind.Desired;
import io.mesosoperator.scheduler.kind.DistributionPod;
import io.mesosoperator.scheduler.kind.Jmx;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.Reconciliation;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * AkkaService: N replicas of an Akka or Apache Pekko cluster application that form one cluster.
 * Every replica gets a remoting and a management port from the offer. Its seed nodes are the
 * remoting addresses of the replicas already running and Up (ready), itself last; only a bootstrap
 * (replica 0, no other replica running or starting) lists itself alone and so forms a new cluster:
 * a restarted node listed first in its own seeds would join itself and split the cluster. A
 * replica with nobody to join waits until one is Up; replicas that all run but none of which gets
 * Up (their seeds died) are restarted so that replica 0 forms the cluster anew. Readiness is
 * Akka/Pekko Management's {@code /ready}, through a Mesos HTTP health check on the management
 * port; {@link AkkaProbe} adds the members one replica reports to the status. Each replica's JVM
 * opens the JDK's JMX agent for the operator on its {@code jmx} port (read-only, the service's
 * secret as the password), which reads its heap and GC time (metrics/WorkloadJvms); the credential
 * files make it a task of the operator's executor, which renders them into the sandbox, one
 * executor per replica so that Mesos measures each replica's container alone.
 */
public final class AkkaReconciler extends WorkloadKind<AkkaSpec, AkkaProbe> {
    public static final KindDefinition KIND = new KindDefinition("AkkaService", "akka.schema.json", "replicas", Set.of("replicas"));
    static final String REMOTING = "remoting";
    static final String MANAGEMENT = "management";
    static final String SELF = "${MESOS_OPERATOR_HOST}:${PORT_REMOTING}";
    private static final Duration LOOK_AGAIN = Duration.ofSeconds(3);
    /** No replica Up for this long while all of them run: their seeds are gone, the cluster is re-formed. */
    static final Duration STRANDED_AFTER = Duration.ofSeconds(60);

    /** Each service's secret: the JMX password of its replicas' JVMs. */
    private final Function<ResourceKey, String> secrets;

    /**
     * @param defaultArtifact the service tarball for specs that name none (null: they must)
     * @param secrets         each service's secret, the same for every operator instance (ZkStore::secret)
     */
    public AkkaReconciler(RecoveryPolicy policy, String defaultArtifact, AkkaProbe probe,
                          Function<ResourceKey, String> secrets) {
        super(KIND, AkkaSpec.class, policy, defaultArtifact, probe);
        this.secrets = secrets;
    }

    @Override
    public List<FieldError> check(Resource resource, String role) {
        AkkaSpec spec = SpecBinding.bind(resource.spec(), AkkaSpec.class);
        List<FieldError> errors = new ArrayList<>(io.mesosoperator.scheduler.spec.AutoscaleSpec.check(resource.spec()));
        checkHeap(errors, spec.heap(), spec.mem());
        checkDistribution(errors, "artifact", spec.artifact(), "pekkoSampleDistribution");
        if (spec.command() != null && (spec.mainClass() != null || spec.classpath() != null)) {
            errors.add(FieldError.of("spec.command", "give either command or mainClass (with classpath), not both"));
        }
        if (spec.artifact() != null && spec.command() == null && spec.mainClass() == null) {
            errors.add(FieldError.of("spec.mainClass", "is required with spec.artifact (or give spec.command)"));
        }
        if (spec.artifact() != null && spec.actorSystemName() == null) {
            errors.add(FieldError.of("spec.actorSystemName", "is required with spec.artifact: it is part of every"
                    + " node address, so of the seed nodes"));
        }
        if (spec.config() != null) {
            String prefix = spec.flavor() + ".";
            for (String key : spec.config().keySet()) {
                if (key.startsWith(prefix + "remote.artery.canonical.") || key.startsWith(prefix + "cluster.seed-nodes")
                        || key.equals(prefix + "management.http.hostname") || key.equals(prefix + "management.http.port")
                        || key.equals(prefix + "management.http.bind-hostname")
                        || key.startsWith("com.sun.management.jmxremote") || key.equals("java.rmi.server.hostname")) {
                    errors.add(FieldError.of("spec.config." + key, "is set by the operator and cannot be overridden"));
                }
            }
        }
        return errors;
    }

    @Override
    protected Desired desire(AkkaSpec spec, Reconciliation r) {
        ResourceKey key = r.key();
        String system = spec.actorSystemName();
        // replicas being stopped or scaled away are nobody's seed
        List<TaskRecord> live = r.observed().tasks().stream()
                .filter(t -> !t.terminal() && !t.killRequested() && t.instance() < spec.replicas()).toList();
        Set<Integer> active = new HashSet<>();
        live.forEach(t -> active.add(t.instance()));
        Map<Integer, String> management = Reconciliation.addresses(r.running(t -> t.instance() < spec.replicas()
                && t.address(MANAGEMENT) != null), MANAGEMENT);
        // seeds: the replicas Up in the cluster (their /ready health check passes); a replica that runs but
        // never joined (its own seeds gone) would only make the newcomer wait with it
        Map<Integer, String> running = Reconciliation.addresses(r.running(t -> t.instance() < spec.replicas()
                && Boolean.TRUE.equals(t.healthy()) && t.address(REMOTING) != null), REMOTING);
        probe.watch(key, new ArrayList<>(management.values()));
        AkkaProbe.Snapshot seen = probe.snapshot(key);
        JsonNode previous = r.previousWorkload();
        boolean formedBefore = previous != null && previous.path("formed").asBoolean();

        String hash = r.configHash(KIND);
        String secret = secrets.apply(key);
        List<PodSpec> pods = new ArrayList<>();
        Map<Integer, String> waiting = new TreeMap<>();
        for (int i = 0; i < spec.replicas(); i++) {
            List<String> seeds = seedNodes(i, running, active);
            if (seeds == null) {
                waiting.put(i, formedBefore
                        ? "no replica is Up to join through; replica 0 forms the cluster anew once nothing else runs"
                        : "waits for a replica that is Up to join through (replica 0 forms the cluster)");
                seeds = List.of(SELF);
            }
            pods.add(pod(key, i, spec, system, hash, seeds, secret));
        }
        WorkloadProbe seedsFirst = new WorkloadProbe() {
            @Override
            public String launchBlocker(PodSpec pod) {
                return waiting.get(pod.instance());
            }
        };
        Instant strandedAt = strandedAt(live);
        // e.g. replica 0 was relaunched with replica 1 as its seed, then replica 1 died too: nobody can ever
        // answer their joins; stopping them lets replica 0 form the cluster anew and the others join it
        boolean stranded = strandedAt != null && !r.now().isBefore(strandedAt);
        return Desired.pods(pods, spec.strategy()).readiness(seedsFirst)
                .alsoStop(stranded ? live : List.of(), "no replica has been Up for " + STRANDED_AFTER.toSeconds()
                        + "s: the seed nodes are gone, the cluster is formed anew")
                .workload(status -> details(spec, system, formedBefore || status.readyReplicas() > 0, running,
                        management, seen))
                .lookAgainWhileWaitingForPeers(LOOK_AGAIN)
                .lookAgainAt(strandedAt);
    }

    /** status.workload: the cluster as the operator and one replica's management API see it. */
    private static ObjectNode details(AkkaSpec spec, String system, boolean formed, Map<Integer, String> running,
                                      Map<Integer, String> management, AkkaProbe.Snapshot seen) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("flavor", spec.flavor());
        details.put("actorSystem", system);
        details.put("formed", formed);
        com.fasterxml.jackson.databind.node.ArrayNode seedNodes = details.putArray("seedNodes");
        running.values().forEach(a -> seedNodes.add(address(spec.flavor(), system, a)));
        ObjectNode endpoints = details.putObject("managementEndpoints");
        management.forEach((i, a) -> endpoints.put(Integer.toString(i), "http://" + a));
        if (seen != null) {
            if (seen.error() != null) {
                details.put("lastError", seen.error());
            } else {
                details.put("observedBy", "http://" + seen.answeredBy());
                if (seen.leader() != null) {
                    details.put("leader", seen.leader());
                }
                com.fasterxml.jackson.databind.node.ArrayNode members = details.putArray("members");
                seen.members().forEach((node, status) -> members.addObject().put("node", node).put("status", status));
                seen.unreachable().forEach(details.putArray("unreachable")::add);
            }
        }
        return details;
    }

    /**
     * The seed nodes of replica {@code self} as host:port (its own address as {@link #SELF}): the
     * other replicas running and Up ({@code running}), in instance order, itself last, so that it
     * joins them and never itself while they exist; itself alone only for the bootstrap, replica 0
     * when no other replica runs or is starting (a brand-new cluster, or one of which nothing is
     * left). Null: nobody to join yet, the replica must wait.
     */
    static List<String> seedNodes(int self, Map<Integer, String> running, Set<Integer> active) {
        List<String> seeds = new ArrayList<>();
        running.forEach((instance, address) -> {
            if (instance != self) {
                seeds.add(address);
            }
        });
        if (seeds.isEmpty()) {
            boolean othersStarting = active.stream().anyMatch(i -> i != self);
            return self == 0 && !othersStarting ? List.of(SELF) : null;
        }
        seeds.add(SELF);
        return seeds;
    }

    /**
     * When the replicas that run are stranded: all of them running and none Up (healthy) in a
     * cluster since {@link #STRANDED_AFTER}; null while some replica is Up or starting, or none runs.
     */
    static Instant strandedAt(List<TaskRecord> live) {
        Instant latest = null;
        for (TaskRecord t : live) {
            if (!"TASK_RUNNING".equals(t.state()) || Boolean.TRUE.equals(t.healthy()) || t.runningSince() == null) {
                return null;
            }
            Instant since = Instant.parse(t.runningSince());
            latest = latest == null || since.isAfter(latest) ? since : latest;
        }
        return latest == null ? null : latest.plus(STRANDED_AFTER);
    }

    /** pekko://system@host:port (akka://... for the akka flavor). */
    static String address(String flavor, String system, String hostPort) {
        return flavor + "://" + system + "@" + hostPort;
    }

    /**
     * The JVM options of a replica: heap, the JMX agent the operator reads its heap and GC time
     * through, its addresses, its seed nodes, the user's overrides.
     */
    static List<String> jvmOptions(AkkaSpec spec, String system, List<String> seeds) {
        String p = spec.flavor();
        List<String> opts = new ArrayList<>();
        opts.add("-Xmx" + spec.heap() + "m");
        opts.addAll(Jmx.remoteJvmOptions());
        opts.add("-D" + p + ".remote.artery.canonical.hostname=${MESOS_OPERATOR_HOST}");
        opts.add("-D" + p + ".remote.artery.canonical.port=${PORT_REMOTING}");
        opts.add("-D" + p + ".management.http.hostname=${MESOS_OPERATOR_HOST}");
        opts.add("-D" + p + ".management.http.port=${PORT_MANAGEMENT}");
        // served on every interface, so the Mesos HTTP health check (to 127.0.0.1, as Mesos' command
        // executor makes it) reaches it on agents whose hostname is not the loopback
        opts.add("-D" + p + ".management.http.bind-hostname=0.0.0.0");
        for (int i = 0; i < seeds.size(); i++) {
            opts.add("-D" + p + ".cluster.seed-nodes." + i + "=" + address(p, system, seeds.get(i)));
        }
        if (spec.config() != null) {
            new TreeMap<>(spec.config()).forEach((k, v) -> opts.add("-D" + k + "=" + v));
        }
        return opts;
    }

    /** A shell word: the operator's ${VARIABLES} expand, everything else is taken literally. */
    static String shellWord(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '$' && s.startsWith("${", i)) {
                int end = s.indexOf('}', i);
                String name = end < 0 ? "" : s.substring(i + 2, end);
                if (name.equals("MESOS_OPERATOR_HOST") || name.startsWith("PORT_")) {
                    out.append(s, i, end + 1);
                    i = end;
                    continue;
                }
            }
            if (c == '"' || c == '\\' || c == '$' || c == '`') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    static String command(AkkaSpec spec, String system, List<String> seeds) {
        List<String> words = new ArrayList<>();
        for (String o : jvmOptions(spec, system, seeds)) {
            words.add(shellWord(o));
        }
        String opts = String.join(" ", words);
        if (spec.command() != null) {
            // a launcher script taking JVM options (like the sample's bin/pekko-cluster): it runs $JAVA_HOME/bin/java
            return "case \"$MESOS_OPERATOR_JAVA\" in /*) JAVA_HOME=\"$(dirname \"$(dirname \"$MESOS_OPERATOR_JAVA\")\")\";"
                    + " export JAVA_HOME;; esac\n"
                    + "exec " + shellWord(spec.command()) + " " + opts + "\n";
        }
        // the sample's main class and classpath when the spec names no artifact: the schema's defaults
        return "exec \"$MESOS_OPERATOR_JAVA\" " + opts + " -cp " + shellWord(spec.classpath()) + " "
                + shellWord(spec.mainClass()) + "\n";
    }

    PodSpec pod(ResourceKey key, int id, AkkaSpec spec, String system, String hash, List<String> seeds, String secret) {
        // /ready: 200 once the node is Up (or WeaklyUp) in a cluster; a slow join may take a while under load
        PodSpec.HealthCheckSpec health = new PodSpec.HealthCheckSpec("http", null, MANAGEMENT, "/ready", null,
                0, 2, 3, 5, 180);
        Map<String, String> env = spec.env() == null ? Map.of() : new LinkedHashMap<>(spec.env());
        return DistributionPod.of(key, id, distribution(spec.artifact())).resources(spec.cpus(), spec.mem())
                .command(command(spec, system, seeds)).env(env).ports(List.of(REMOTING, MANAGEMENT)).healthCheck(health)
                .killGracePeriod(Duration.ofSeconds(20)).configHash(hash).maxPerAgent(spec.maxReplicasPerAgent())
                .jmxForOperator(secret, "readonly")
                // its container measured alone: its CPU and memory stay its own (TaskUsage, autoscale on cpu)
                .ownExecutor()
                .build();
    }
}
