package io.mesosoperator.scheduler.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.scheduler.kind.ConfigHash;
import io.mesosoperator.scheduler.kind.InstanceSet;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
import io.mesosoperator.scheduler.kind.ReservedSize;
import io.mesosoperator.scheduler.kind.ResolvedSpec;
import io.mesosoperator.scheduler.kind.SpecReader;
import io.mesosoperator.scheduler.kind.Strategy;
import io.mesosoperator.scheduler.kind.WorkloadProbe;
import io.mesosoperator.scheduler.spec.AutoscaleSpec;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.SpecBinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Service: N identical instances of a command, each kept running by the shared InstanceSet. */
public final class ServiceReconciler implements Reconciler {
    public static final KindDefinition KIND = new KindDefinition("Service", "service.schema.json", "instances", Set.of("instances"));

    private static final SpecReader<ServiceSpec> SPECS = new SpecReader<>(KIND, ServiceSpec.class);

    private final RecoveryPolicy policy;

    public ServiceReconciler(RecoveryPolicy policy) {
        this.policy = policy;
    }

    @Override
    public KindDefinition kind() {
        return KIND;
    }

    @Override
    public ReconcileResult reconcile(Resource resource, Observed observed, Instant now) {
        // the tasks are made of the spec with the values its references take (so is the configuration hash)
        ResolvedSpec resolved = ResolvedSpec.of(resource, observed.others());
        return InstanceSet.reconcile(resolved.resource(), pods(resolved.resource()),
                Strategy.of(SPECS.read(resource).strategy()), resolved.gate(WorkloadProbe.NONE), observed, policy, now);
    }

    /** {@link #check(Resource, String)}'s rules, and the reserved sizes of instances with a volume. */
    @Override
    public List<FieldError> check(Resource resource, Resource running, String role) {
        List<FieldError> errors = new ArrayList<>(check(resource, role));
        if (running != null) {
            ServiceSpec was = parse(running.spec());
            ServiceSpec spec = parse(resource.spec());
            if (was.volume() != null && spec.volume() != null) {
                errors.addAll(new ReservedSize(was.cpus(), was.mem(), was.volume().sizeMb()).changesTo(
                        new ReservedSize(spec.cpus(), spec.mem(), spec.volume().sizeMb()), "spec.cpus", "spec.mem",
                        "spec.volume.sizeMb"));
            }
        }
        return errors;
    }

    /** What the schema cannot say: cross-field rules, and what the operator's configuration allows. */
    @Override
    public List<FieldError> check(Resource resource, String role) {
        ServiceSpec spec = parse(resource.spec());
        List<FieldError> errors = new ArrayList<>(AutoscaleSpec.check(resource.spec()));
        if (spec.volume() != null && SpecBinding.volumeNeedsRole("spec.volume", role) != null) {
            errors.add(SpecBinding.volumeNeedsRole("spec.volume", role));
        }
        if (spec.healthCheck() != null && spec.healthCheck().portName() != null
                && (spec.ports() == null || spec.ports().stream().noneMatch(p -> p.name().equals(spec.healthCheck().portName())))) {
            errors.add(FieldError.of("spec.healthCheck.portName", "'" + spec.healthCheck().portName()
                    + "' is not one of spec.ports[].name"));
        }
        return errors;
    }

    static List<PodSpec> pods(Resource resource) {
        ServiceSpec spec = SPECS.read(resource);
        String hash = ConfigHash.of(resource.spec(), KIND.untaskedFields());
        List<PodSpec.Artifact> uris = spec.uris() == null ? List.of() : spec.uris().stream().map(ServiceReconciler::artifact).toList();
        List<String> ports = spec.ports() == null ? List.of() : spec.ports().stream().map(ServiceSpec.Port::name).toList();
        ServiceSpec.HealthCheck h = spec.healthCheck();
        PodSpec.HealthCheckSpec health = h == null ? null : new PodSpec.HealthCheckSpec(h.type(), h.port(), h.portName(),
                h.path(), h.command(), h.delaySeconds(), h.intervalSeconds(), h.timeoutSeconds(), h.consecutiveFailures(),
                h.gracePeriodSeconds());
        List<PodSpec> pods = new ArrayList<>();
        for (int i = 0; i < spec.instances(); i++) {
            pods.add(new PodSpec(resource.key(), i, spec.cpus(), spec.mem(), spec.disk(), spec.command(),
                    spec.env() == null ? Map.of() : spec.env(), uris, ports, health,
                    Duration.ofMillis((long) (spec.killGracePeriodSeconds() * 1000)), hash,
                    spec.volume() == null ? null : new PodSpec.Volume(spec.volume().sizeMb(), spec.volume().containerPath())));
        }
        return pods;
    }

    private static ServiceSpec parse(JsonNode spec) {
        return SpecBinding.bind(spec, ServiceSpec.class);
    }

    /** A uri as the schema has it: a string (extracted, as Mesos fetches by default), or an object with its defaults. */
    private static PodSpec.Artifact artifact(JsonNode uri) {
        if (uri.isTextual()) {
            return new PodSpec.Artifact(uri.asText(), true, false, null);
        }
        return new PodSpec.Artifact(uri.path("value").asText(), uri.path("extract").asBoolean(),
                uri.path("executable").asBoolean(), uri.hasNonNull("outputFile") ? uri.get("outputFile").asText() : null);
    }
}
