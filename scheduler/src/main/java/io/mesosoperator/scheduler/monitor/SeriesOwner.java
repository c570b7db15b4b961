package io.mesosoperator.scheduler.monitor;

import io.mesosoperator.scheduler.spec.ResourceKey;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which resource a series is about, from its labels alone, so that any collector's series can be
 * watched: {@code kind} and {@code resource} (the task series), or a label named after a kind in
 * lower case ({@code kafkacluster}, {@code cassandracluster}, {@code sparkjob}, ...), whose value is
 * the resource's name.
 */
final class SeriesOwner {
    private final Map<String, String> kindsByLabel = new LinkedHashMap<>();

    SeriesOwner(Collection<String> kinds) {
        kinds.forEach(k -> kindsByLabel.put(k.toLowerCase(Locale.ROOT), k));
    }

    /** The resource the labels name, or null when they name none. */
    ResourceKey of(Map<String, String> labels) {
        String kind = labels.get("kind");
        String resource = labels.get("resource");
        if (kind != null && resource != null) {
            return new ResourceKey(kindsByLabel.getOrDefault(kind.toLowerCase(Locale.ROOT), kind), resource);
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            String named = kindsByLabel.get(e.getKey().toLowerCase(Locale.ROOT));
            if (named != null) {
                return new ResourceKey(named, e.getValue());
            }
        }
        return null;
    }
}
