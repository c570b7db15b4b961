package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The JSON value of one YAML scalar, typed as Jackson's YAML reader types it (the reader specs
 * were parsed with before), so a document without anchors reads exactly as it did: SnakeYAML's
 * YAML 1.1 resolver picks the type; yes/no/on/off are booleans, 0x/0b/0-prefixed integers are
 * hexadecimal/binary/octal, underscores in numbers are dropped, a sexagesimal "integer" stays text.
 */
final class YamlScalars {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Resolver RESOLVER = new Resolver();
    private static final String YAML_TAG = "tag:yaml.org,2002:";
    /** As Jackson's default StreamReadConstraints: a longer number is refused (parsing it costs quadratic time). */
    static final int MAX_NUMBER_LENGTH = 1000;

    private YamlScalars() {}

    /** Why a scalar cannot be a JSON value. */
    static final class NotAValue extends Exception {
        NotAValue(String message) {
            super(message);
        }
    }

    /** The scalar's resolved type: "str", "int", "float", "bool", "null", "binary", or another tag's name. */
    static String type(ScalarEvent scalar) {
        String tag = scalar.getTag();
        if (tag == null || tag.equals("!")) {
            Tag resolved = RESOLVER.resolve(NodeId.scalar, scalar.getValue(), scalar.getImplicit().canOmitTagInPlainScalar());
            tag = resolved.getValue();
        }
        if (tag.startsWith(YAML_TAG)) {
            tag = tag.substring(YAML_TAG.length());
            int comma = tag.indexOf(',');
            return comma < 0 ? tag : tag.substring(0, comma);
        }
        return tag;
    }

    static JsonNode value(ScalarEvent scalar) throws NotAValue {
        String text = scalar.getValue();
        boolean implicit = scalar.getTag() == null || scalar.getTag().equals("!");
        String type = type(scalar);
        if (!implicit && text.isEmpty() && !type.equals("bool")) {
            return NODES.textNode(text); // an explicitly typed empty scalar stays text
        }
        return switch (type) {
            case "int" -> integer(text);
            case "float" -> floating(text);
            case "bool" -> bool(text);
            case "null" -> NODES.nullNode();
            case "binary" -> implicit ? NODES.textNode(text) : binary(text);
            default -> NODES.textNode(text); // str, timestamps, merge, other tags
        };
    }

    /** Decimal, 0x hexadecimal, 0b binary or 0-prefixed octal, with a sign and underscores; else text. */
    private static JsonNode integer(String text) throws NotAValue {
        int i = 0;
        boolean negative = false;
        if (text.startsWith("-") || text.startsWith("+")) {
            negative = text.charAt(0) == '-';
            i = 1;
        }
        if (i == text.length()) {
            return NODES.textNode(text);
        }
        int radix = 10;
        if (text.charAt(i) == '0' && i + 1 < text.length()) {
            char prefix = text.charAt(i + 1);
            if (prefix == 'x' || prefix == 'X') {
                radix = 16;
                i += 2;
            } else if (prefix == 'b' || prefix == 'B') {
                radix = 2;
                i += 2;
            } else if (Character.isDigit(prefix) || prefix == '_') {
                radix = 8;
                i += 1;
            } else {
                return NODES.textNode(text);
            }
        }
        String digits = text.substring(i).replace("_", "");
        if (radix == 10 && !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return NODES.textNode(text); // e.g. sexagesimal 1:30, which could as well be a time
        }
        if (digits.isEmpty() || digits.length() > MAX_NUMBER_LENGTH) {
            throw new NotAValue(digits.isEmpty() ? "'" + text + "' is not a number"
                    : "a number longer than " + MAX_NUMBER_LENGTH + " digits");
        }
        BigInteger value;
        try {
            value = new BigInteger(digits, radix);
        } catch (NumberFormatException e) {
            throw new NotAValue("'" + text + "' is not a base-" + radix + " integer");
        }
        value = negative ? value.negate() : value;
        if (value.bitLength() < Integer.SIZE) {
            return NODES.numberNode(value.intValue());
        }
        return value.bitLength() < Long.SIZE ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
    }

    private static JsonNode floating(String text) throws NotAValue {
        String cleaned = text.replace("_", "");
        if (cleaned.length() > MAX_NUMBER_LENGTH) {
            throw new NotAValue("a number longer than " + MAX_NUMBER_LENGTH + " characters");
        }
        try {
            double value = Double.parseDouble(cleaned);
            if (!Double.isFinite(value)) {
                throw new NotAValue("'" + text + "' is not a finite number");
            }
            return NODES.numberNode(value);
        } catch (NumberFormatException e) {
            throw new NotAValue("'" + text + "' is not a number"); // .inf, .nan, sexagesimal 1:30.5
        }
    }

    /** The words Jackson's YAML reader takes for booleans; another word tagged bool stays text. */
    private static JsonNode bool(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "y" -> NODES.booleanNode(true);
            case "false", "no", "off", "n" -> NODES.booleanNode(false);
            default -> NODES.textNode(text);
        };
    }

    private static JsonNode binary(String text) throws NotAValue {
        try {
            return NODES.binaryNode(Base64Variants.MIME.decode(text.trim()));
        } catch (IllegalArgumentException e) {
            throw new NotAValue("not base64: " + e.getMessage());
        }
    }
}
