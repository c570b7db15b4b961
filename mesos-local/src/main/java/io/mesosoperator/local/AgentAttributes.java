package io.mesosoperator.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Value;

/**
 * Agent attributes as a Mesos agent takes them (`mesos-agent --attributes='rack:r1;zone:z1'`,
 * src/common/attributes.cpp) and shows them: {@code name:value} pairs separated by {@code ;} (or a
 * newline); a value that reads as a number is a SCALAR, one in brackets ({@code [1-4, 8-9]}) RANGES,
 * anything else TEXT; sets ({@code {a,b}}) are refused, as Mesos refuses them for attributes.
 * In /state a SCALAR is a JSON number, RANGES the bracketed text, TEXT the string.
 */
public final class AgentAttributes {
    private AgentAttributes() {}

    /** Parses the agent flag's syntax; an IllegalArgumentException says which pair is wrong. */
    public static List<Attribute> parse(String flag) {
        Map<String, Attribute> out = new LinkedHashMap<>();
        if (flag == null) {
            return List.of();
        }
        for (String token : flag.split("[;\n]")) {
            if (token.isBlank()) {
                continue;
            }
            int colon = token.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("invalid attribute key:value pair '" + token.trim() + "'");
            }
            String name = token.substring(0, colon).trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("attribute without a name in '" + token.trim() + "'");
            }
            out.put(name, attribute(name, token.substring(colon + 1).trim()));
        }
        return List.copyOf(out.values());
    }

    /** The attributes of a name -> text map, typed as Mesos types them (a number is a SCALAR). */
    public static List<Attribute> of(Map<String, String> values) {
        List<Attribute> out = new ArrayList<>();
        values.forEach((name, value) -> out.add(attribute(name, value)));
        return out;
    }

    static Attribute attribute(String name, String text) {
        Attribute.Builder a = Attribute.newBuilder().setName(name);
        if (text.startsWith("[")) {
            return a.setType(Value.Type.RANGES).setRanges(ranges(name, text)).build();
        }
        if (text.startsWith("{")) {
            throw new IllegalArgumentException("attribute " + name + ": sets are not supported (Mesos refuses them too)");
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("attribute " + name + " has no value");
        }
        try {
            double scalar = Double.parseDouble(text);
            if (!Double.isNaN(scalar) && !Double.isInfinite(scalar) && !text.matches(".*[A-Za-z].*")) {
                return a.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(scalar)).build();
            }
        } catch (NumberFormatException notANumber) {
            // text
        }
        return a.setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue(text)).build();
    }

    private static Value.Ranges ranges(String name, String text) {
        if (!text.endsWith("]")) {
            throw new IllegalArgumentException("attribute " + name + ": ranges must look like [1-4, 8-9], not " + text);
        }
        Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
        for (String range : text.substring(1, text.length() - 1).split(",")) {
            String[] bounds = range.trim().split("-");
            try {
                ranges.addRange(Value.Range.newBuilder().setBegin(Long.parseLong(bounds[0].trim()))
                        .setEnd(Long.parseLong(bounds[bounds.length - 1].trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("attribute " + name + ": ranges must look like [1-4, 8-9], not " + text);
            }
        }
        return ranges.build();
    }

    /** The attribute's value in /state (a master's slaves[].attributes, an agent's attributes). */
    static JsonNode stateValue(Attribute a) {
        return switch (a.getType()) {
            case SCALAR -> JsonNodeFactory.instance.numberNode(a.getScalar().getValue());
            case RANGES -> JsonNodeFactory.instance.textNode(rangesText(a.getRanges()));
            default -> JsonNodeFactory.instance.textNode(a.getText().getValue());
        };
    }

    private static String rangesText(Value.Ranges ranges) {
        List<String> parts = new ArrayList<>();
        ranges.getRangeList().forEach(r -> parts.add(r.getBegin() + "-" + r.getEnd()));
        return "[" + String.join(", ", parts) + "]";
    }
}
