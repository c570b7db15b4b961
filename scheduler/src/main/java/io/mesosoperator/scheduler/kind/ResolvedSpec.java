package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.spec.Exports;
import io.mesosoperator.scheduler.spec.References;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.SpecBinding;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.StatusReads;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A resource with its references to other resources resolved (spec/References): each takes the
 * value of the field it names from that resource's status, once the resource exists, is Ready and
 * the field has a value; until then it waits, and {@link #waitingFor()} says for what. The
 * resolved values are part of the spec the configuration hash is made of, so a changed value is a
 * new configuration that rolls the instances by the spec's strategy. Kinds build their tasks from
 * {@link #resource()}; while something waits nothing launches ({@link #gate}).
 */
public final class ResolvedSpec {
    private final Resource resource;
    private final String waitingFor;

    private ResolvedSpec(Resource resource, String waitingFor) {
        this.resource = resource;
        this.waitingFor = waitingFor;
    }

    /** The resource's references resolved against the other resources' status ({@code others}). */
    public static ResolvedSpec of(Resource resource, StatusReads others) {
        // what waits -> the references that wait for it: one resource missing is said once
        Map<String, List<String>> waits = new LinkedHashMap<>();
        com.fasterxml.jackson.databind.JsonNode spec = References.substitute(resource.spec(), ref -> {
            String value = valueOf(ref, others, waits);
            return value == null ? "" : value;
        });
        String waiting = waits.entrySet().stream().map(e -> e.getKey() + " (" + String.join("; ", e.getValue()) + ")")
                .collect(Collectors.joining("; "));
        return new ResolvedSpec(spec == resource.spec() ? resource : resource.withSpec(spec),
                waits.isEmpty() ? null : waiting);
    }

    /** The resource with each reference replaced by its value ("" for one that waits). */
    public Resource resource() {
        return resource;
    }

    /** What the references wait for, e.g. "waits for Service/a to be Ready (spec.env.A takes its endpoints.http)"; null when none does. */
    public String waitingFor() {
        return waitingFor;
    }

    /**
     * The kind's probe, holding back launches (recovery too) while a reference waits: a task
     * cannot be configured without its values. The tasks that run keep their configuration meanwhile.
     */
    public WorkloadProbe gate(WorkloadProbe probe) {
        if (waitingFor == null) {
            return probe;
        }
        return new WorkloadProbe() {
            @Override
            public String notReady(io.mesosoperator.scheduler.store.TaskRecord task) {
                return probe.notReady(task);
            }

            @Override
            public String rollBlocker() {
                return probe.rollBlocker();
            }

            @Override
            public String launchBlocker(PodSpec pod) {
                return probe.launchBlocker(pod);
            }

            @Override
            public String configurationPending() {
                return waitingFor;
            }
        };
    }

    private static String valueOf(References.Reference ref, StatusReads others, Map<String, List<String>> waits) {
        String takes = ref.path() + " takes its " + ref.field();
        if (others.resource(ref.resource()) == null) {
            waits.computeIfAbsent("waits for " + ref.resource() + ", which does not exist yet", k -> new ArrayList<>())
                    .add(takes);
            return null;
        }
        ResourceStatus status = others.status(ref.resource());
        Condition ready = status == null ? null : status.condition(Condition.READY);
        if (ready == null || !ready.isTrue()) {
            waits.computeIfAbsent("waits for " + ref.resource() + " to be Ready", k -> new ArrayList<>()).add(takes);
            return null;
        }
        com.fasterxml.jackson.databind.JsonNode exported = SpecBinding.tree(status);
        String value = Exports.value(ref.resource().kind(), ref.field(), exported);
        if (value == null) {
            String lacking = Exports.lackingPort(ref.resource().kind(), ref.field(), exported);
            waits.computeIfAbsent("waits for " + ref.field() + " of " + ref.resource() + (lacking != null
                    ? ", which has " + lacking : ", empty so far"), k -> new ArrayList<>()).add(ref.path());
        }
        return value;
    }
}
