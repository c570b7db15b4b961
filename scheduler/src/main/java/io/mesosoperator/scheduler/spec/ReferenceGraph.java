package io.mesosoperator.scheduler.spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Resources and the resources they take values from ({@link References}): an order in which each
 * comes after those it references, and the cycles that allow none (resources that wait for each
 * other's status never start).
 */
public final class ReferenceGraph {
    private ReferenceGraph() {}

    /** Resources that reference each other in a circle, e.g. Service/a -> Service/b -> Service/a. */
    public static final class CycleException extends RuntimeException {
        private final List<ResourceKey> cycle;

        CycleException(List<ResourceKey> cycle) {
            super("references form a cycle: " + describe(cycle));
            this.cycle = List.copyOf(cycle);
        }

        /** The resources of the cycle, the first repeated at the end. */
        public List<ResourceKey> cycle() {
            return cycle;
        }
    }

    /** "Service/a -> Service/b -> Service/a" */
    public static String describe(List<ResourceKey> path) {
        return path.stream().map(ResourceKey::toString).collect(Collectors.joining(" -> "));
    }

    /**
     * The items in an order where each comes after the items whose resources it references, and
     * otherwise as given (references to resources not among them are no constraint).
     *
     * @throws CycleException when some of them reference each other in a circle
     */
    public static <T> List<T> order(List<T> items, Function<T, ResourceKey> key, Function<T, Set<ResourceKey>> targets) {
        Map<ResourceKey, T> byKey = new LinkedHashMap<>();
        items.forEach(item -> byKey.putIfAbsent(key.apply(item), item));
        List<T> ordered = new ArrayList<>();
        Set<T> placed = new HashSet<>();
        while (ordered.size() < items.size()) {
            T next = null;
            for (T item : items) {
                if (!placed.contains(item) && targets.apply(item).stream()
                        .allMatch(t -> !byKey.containsKey(t) || placed.contains(byKey.get(t)) || byKey.get(t) == item)) {
                    next = item;
                    break;
                }
            }
            if (next == null) {
                List<T> left = items.stream().filter(i -> !placed.contains(i)).toList();
                Function<ResourceKey, Set<ResourceKey>> edges = k -> byKey.containsKey(k) && !placed.contains(byKey.get(k))
                        ? targets.apply(byKey.get(k)) : Set.of();
                throw new CycleException(cycleThrough(key.apply(left.get(0)), edges, true));
            }
            ordered.add(next);
            placed.add(next);
        }
        return ordered;
    }

    /**
     * A cycle of references that leads from {@code start} back to it, as the path start -> ... ->
     * start; empty when there is none.
     */
    public static List<ResourceKey> cycleThrough(ResourceKey start, Function<ResourceKey, Set<ResourceKey>> targets) {
        return cycleThrough(start, targets, false);
    }

    /** With {@code anyCycle}, a cycle reached from {@code start} that need not pass through it. */
    private static List<ResourceKey> cycleThrough(ResourceKey start, Function<ResourceKey, Set<ResourceKey>> targets,
                                                  boolean anyCycle) {
        List<ResourceKey> path = new ArrayList<>();
        path.add(start);
        List<ResourceKey> found = search(path, new HashSet<>(), targets, anyCycle);
        return found == null ? List.of() : found;
    }

    private static List<ResourceKey> search(List<ResourceKey> path, Set<ResourceKey> done,
                                            Function<ResourceKey, Set<ResourceKey>> targets, boolean anyCycle) {
        ResourceKey at = path.get(path.size() - 1);
        for (ResourceKey next : targets.apply(at)) {
            int seen = path.indexOf(next);
            if (seen == 0 || (anyCycle && seen > 0)) {
                List<ResourceKey> cycle = new ArrayList<>(path.subList(seen, path.size()));
                cycle.add(next);
                return cycle;
            }
            if (seen < 0 && done.add(next)) {
                path.add(next);
                List<ResourceKey> found = search(path, done, targets, anyCycle);
                if (found != null) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return null;
    }
}
