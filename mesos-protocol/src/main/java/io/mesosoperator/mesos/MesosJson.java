package io.mesosoperator.mesos;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Protobuf messages as JSON, printed as a Mesos master and agent print them (stout's
 * {@code jsonify(JSON::Protobuf(m))} over rapidjson), which is not how protobuf's JsonFormat prints:
 * 64-bit integers are numbers, not strings; doubles are plain decimals ({@code 15.0},
 * {@code 1795674094.046676}), never {@code 1.8E9}; fields come in declaration order (TaskStatus'
 * {@code timestamp} after {@code executor_id}), not by number; an unset optional field is left out
 * unless the .proto gives it a default and does not deprecate it (stout prints the default then,
 * e.g. {@code "shell":true} of CommandInfo, {@code "checkpoint":false} of FrameworkInfo). Enums are
 * names, bytes base64 with padding, maps objects, and nothing is escaped that rapidjson does not.
 */
public final class MesosJson {
    private MesosJson() {}

    /** Compact JSON, fields in declaration order: the v1 APIs' event and call bodies. */
    public static String print(MessageOrBuilder message) {
        StringBuilder out = new StringBuilder(256);
        writeMessage(out, message, false);
        return out.toString();
    }

    /**
     * Compact JSON with every object's keys in alphabetical order, as stout's
     * {@code JSON::protobuf(m)} (a std::map per object) prints: the masters' {@code json.info_}
     * znodes in ZooKeeper.
     */
    public static String printSorted(MessageOrBuilder message) {
        StringBuilder out = new StringBuilder(256);
        writeMessage(out, message, true);
        return out.toString();
    }

    /**
     * A double as rapidjson's Writer::Double writes it: {@link Grisu2}'s digits, as a plain decimal
     * with at least one digit after the point while the decimal exponent is within [-6, 21), else in
     * exponent form ({@code 1e-7}, {@code 1.5e21}); NaN bare and infinities as strings, as Mesos'
     * patched rapidjson 1.1.0 writes them ({@code NaN}, {@code "Infinity"}).
     */
    public static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "\"Infinity\"" : "\"-Infinity\""; // Mesos' rapidjson patch quotes these
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0.0" : "0.0";
        }
        Grisu2.Digits shortest = Grisu2.digits(Math.abs(value));
        String digits = shortest.digits();
        int length = digits.length();
        int k = shortest.exponent(); // value = digits x 10^k
        int kk = length + k; // 10^(kk-1) <= value < 10^kk
        StringBuilder out = new StringBuilder(32);
        if (value < 0) {
            out.append('-');
        }
        if (k >= 0 && kk <= 21) {
            out.append(digits).append("0".repeat(k)).append(".0");
        } else if (kk > 0 && kk <= 21) {
            out.append(digits, 0, kk).append('.').append(digits, kk, length);
        } else if (kk > -6 && kk <= 0) {
            out.append("0.").append("0".repeat(-kk)).append(digits);
        } else {
            out.append(digits.charAt(0));
            if (length > 1) {
                out.append('.').append(digits, 1, length);
            }
            out.append('e').append(kk - 1);
        }
        return out.toString();
    }

    /** A JSON string literal, escaped as rapidjson escapes: quote, backslash and control characters only. */
    public static String string(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2);
        writeString(out, value);
        return out.toString();
    }

    private static void writeMessage(StringBuilder out, MessageOrBuilder message, boolean sorted) {
        List<FieldDescriptor> fields = new ArrayList<>();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            boolean present = field.isRepeated() ? message.getRepeatedFieldCount(field) > 0
                    : message.hasField(field) || (field.hasDefaultValue() && !field.getOptions().getDeprecated());
            if (present) {
                fields.add(field);
            }
        }
        if (sorted) {
            fields.sort((a, b) -> a.getName().compareTo(b.getName()));
        }
        out.append('{');
        for (int i = 0; i < fields.size(); i++) {
            FieldDescriptor field = fields.get(i);
            if (i > 0) {
                out.append(',');
            }
            writeString(out, field.getName());
            out.append(':');
            if (field.isMapField()) {
                writeMap(out, message, field, sorted);
            } else if (field.isRepeated()) {
                out.append('[');
                for (int j = 0; j < message.getRepeatedFieldCount(field); j++) {
                    if (j > 0) {
                        out.append(',');
                    }
                    writeValue(out, field, message.getRepeatedField(field, j), sorted);
                }
                out.append(']');
            } else {
                writeValue(out, field, message.getField(field), sorted);
            }
        }
        out.append('}');
    }

    /** A map field is an object keyed by the entries' keys as text (numbers printed as numbers are). */
    private static void writeMap(StringBuilder out, MessageOrBuilder message, FieldDescriptor field, boolean sorted) {
        FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
        FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
        Map<String, Object> entries = sorted ? new TreeMap<>() : new java.util.LinkedHashMap<>();
        for (int j = 0; j < message.getRepeatedFieldCount(field); j++) {
            MessageOrBuilder entry = (MessageOrBuilder) message.getRepeatedField(field, j);
            Object key = entry.getField(keyField);
            entries.put(key instanceof String s ? s : scalar(keyField, key), entry.getField(valueField));
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(out, e.getKey());
            out.append(':');
            writeValue(out, valueField, e.getValue(), sorted);
        }
        out.append('}');
    }

    private static void writeValue(StringBuilder out, FieldDescriptor field, Object value, boolean sorted) {
        switch (field.getJavaType()) {
            case MESSAGE -> writeMessage(out, (MessageOrBuilder) value, sorted);
            case STRING -> writeString(out, (String) value);
            case BYTE_STRING -> writeString(out, Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> writeString(out, ((EnumValueDescriptor) value).getName());
            default -> out.append(scalar(field, value));
        }
    }

    /** Numbers and booleans; unsigned protobuf types arrive in Java's signed ones. */
    private static String scalar(FieldDescriptor field, Object value) {
        return switch (field.getType()) {
            case UINT32, FIXED32 -> Integer.toUnsignedString((Integer) value);
            case UINT64, FIXED64 -> Long.toUnsignedString((Long) value);
            // stout widens a float to double before printing it
            case FLOAT -> number((Float) value);
            case DOUBLE -> number((Double) value);
            default -> String.valueOf(value);
        };
    }

    private static void writeString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
