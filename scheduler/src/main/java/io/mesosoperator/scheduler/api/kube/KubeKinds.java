package io.mesosoperator.scheduler.api.kube;

import io.mesosoperator.scheduler.spec.KindDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Our kinds under their Kubernetes names: the API group, each kind's plural (the URL segment),
 * singular and short names, and which spec field is its replica count (the scale subresource).
 */
public final class KubeKinds {
    public static final String GROUP = "mesos-operator.io";
    public static final String VERSION = "v1";
    public static final String GROUP_VERSION = GROUP + "/" + VERSION;
    /** `kubectl get mesos` lists every kind. */
    public static final String CATEGORY = "mesos";
    public static final String NAMESPACE = "default";

    /** One kind as Kubernetes clients see it; {@code replicasField} is null for a kind without scale. */
    public record Kind(String kind, String plural, String singular, List<String> shortNames, String replicasField,
                       String schemaFile) {
        /** "services.mesos-operator.io", as Kubernetes names a resource in messages. */
        public String qualified() {
            return plural + "." + GROUP;
        }
    }

    /**
     * Short names of the kinds we ship. "svc" is left to core Services, so a kubectl that talks to a
     * real cluster too keeps its habits.
     */
    private static final Map<String, List<String>> SHORT_NAMES = Map.of(
            "Service", List.of("msvc"), "KafkaCluster", List.of("kafka"), "CassandraCluster", List.of("cassandra"),
            "SparkJob", List.of("spark"), "AkkaService", List.of("akka"));

    private final Map<String, Kind> byPlural = new LinkedHashMap<>();

    public KubeKinds(List<KindDefinition> definitions) {
        for (KindDefinition d : definitions) {
            String singular = d.kind().toLowerCase(Locale.ROOT);
            Kind kind = new Kind(d.kind(), singular + "s", singular, SHORT_NAMES.getOrDefault(d.kind(), List.of()),
                    d.countField(), d.schemaFile());
            byPlural.put(kind.plural(), kind);
        }
    }

    public List<Kind> all() {
        return List.copyOf(byPlural.values());
    }

    /** The kind a URL's plural names, or null. */
    public Kind byPlural(String plural) {
        return byPlural.get(plural);
    }

    public Kind byKind(String kind) {
        return byPlural.values().stream().filter(k -> k.kind().equals(kind)).findFirst().orElse(null);
    }
}
