package io.mesosoperator.scheduler.api.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A Kubernetes label or field selector of equality requirements ({@code a=b}, {@code a==b},
 * {@code a!=b}) and, for labels, existence ({@code a}, {@code !a}); set-based requirements
 * ({@code a in (x,y)}) are refused.
 */
final class Selector {
    private record Requirement(String key, String op, String value) {}

    private final List<Requirement> requirements;

    private Selector(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    static final Selector EVERYTHING = new Selector(List.of());

    /** @throws IllegalArgumentException naming the requirement it cannot read */
    static Selector parse(String text) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.contains(" in ") || p.contains(" notin ") || p.contains("(")) {
                throw new IllegalArgumentException("unsupported selector requirement '" + p + "' (only =, == and != are)");
            }
            int ne = p.indexOf("!=");
            int eq = p.indexOf('=');
            if (ne > 0) {
                out.add(new Requirement(p.substring(0, ne).trim(), "!=", p.substring(ne + 2).trim()));
            } else if (eq > 0) {
                String value = p.substring(p.startsWith("==", eq) ? eq + 2 : eq + 1).trim();
                out.add(new Requirement(p.substring(0, eq).trim(), "=", value));
            } else if (p.startsWith("!")) {
                out.add(new Requirement(p.substring(1).trim(), "!", null));
            } else if (!p.isEmpty()) {
                out.add(new Requirement(p, "exists", null));
            }
        }
        return new Selector(out);
    }

    /** Whether the value each key has (null: absent) meets every requirement. */
    boolean matches(Function<String, String> valueOf) {
        for (Requirement r : requirements) {
            String v = valueOf.apply(r.key());
            boolean ok = switch (r.op()) {
                case "=" -> r.value().equals(v);
                case "!=" -> !r.value().equals(v);
                case "!" -> v == null;
                default -> v != null;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The value of a requirement key=value, if the selector has one (e.g. metadata.name). */
    String equalTo(String key) {
        return requirements.stream().filter(r -> r.op().equals("=") && r.key().equals(key)).map(Requirement::value)
                .findFirst().orElse(null);
    }

    /** Labels and the fields Kubernetes lets every object be selected by (metadata.name, metadata.namespace). */
    static boolean matches(Selector labels, Selector fields, JsonNode object) {
        JsonNode metadata = object.path("metadata");
        return labels.matches(k -> metadata.path("labels").path(k).isTextual() ? metadata.path("labels").path(k).asText() : null)
                && fields.matches(k -> switch (k) {
                    case "metadata.name" -> metadata.path("name").asText();
                    case "metadata.namespace" -> KubeKinds.NAMESPACE;
                    default -> null;
                });
    }
}
