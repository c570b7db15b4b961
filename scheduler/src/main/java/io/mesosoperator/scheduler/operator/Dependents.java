package io.mesosoperator.scheduler.operator;

import io.mesosoperator.scheduler.spec.References;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.ResourceStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which resources take values from which (spec/References), so that a change of what a resource
 * exports reconciles the resources that reference it: they launch what waited for it, or roll to
 * the new value. Each spec is read once (kept until the resource's spec object changes). Used on
 * the loop thread only.
 */
final class Dependents {
    private record Read(Resource resource, Set<ResourceKey> targets) {}

    private final Map<ResourceKey, Read> reads = new HashMap<>();

    /** The resources among {@code resources} that reference {@code target}. */
    List<ResourceKey> of(ResourceKey target, Collection<Resource> resources) {
        List<ResourceKey> out = new ArrayList<>();
        Set<ResourceKey> present = new java.util.HashSet<>();
        for (Resource r : resources) {
            present.add(r.key());
            Read read = reads.get(r.key());
            if (read == null || read.resource() != r) {
                read = new Read(r, References.targets(r.spec()));
                reads.put(r.key(), read);
            }
            if (read.targets().contains(target)) {
                out.add(r.key());
            }
        }
        reads.keySet().retainAll(present);
        return out;
    }

    /**
     * Whether what references read of a resource changed between two of its statuses: whether it
     * is Ready, what it reports of its software (status.workload), and where its ready instances listen.
     */
    static boolean exportsChanged(ResourceStatus before, ResourceStatus after) {
        if (before == null || after == null) {
            return before != after;
        }
        return ready(before) != ready(after) || !Objects.equals(before.workload(), after.workload())
                || !sameEndpoints(before.instances(), after.instances());
    }

    private static boolean ready(ResourceStatus status) {
        Condition c = status.condition(Condition.READY);
        return c != null && c.isTrue();
    }

    private static boolean sameEndpoints(List<InstanceStatus> before, List<InstanceStatus> after) {
        if (before == null || after == null || before.size() != after.size()) {
            return before == after;
        }
        for (int i = 0; i < before.size(); i++) {
            InstanceStatus a = before.get(i);
            InstanceStatus b = after.get(i);
            if (a.instance() != b.instance() || a.ready() != b.ready()
                    || (a.ready() && (!Objects.equals(a.host(), b.host()) || !Objects.equals(a.ports(), b.ports())))) {
                return false;
            }
        }
        return true;
    }
}
