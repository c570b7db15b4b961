package io.mesosoperator.scheduler.kind;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/** A short, stable hash of the spec fields that shape a task (everything but the scale fields). */
public final class ConfigHash {
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private ConfigHash() {}

    public static String of(JsonNode spec, Set<String> ignoredFields) {
        ObjectNode copy = spec.deepCopy();
        copy.remove(ignoredFields);
        try {
            Object sorted = CANONICAL.treeToValue(copy, Object.class);
            return of(CANONICAL.writeValueAsString(sorted).getBytes(StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot hash spec", e);
        }
    }

    /** The same short hash (12 hex digits of SHA-256) of any bytes, e.g. a serialized ExecutorInfo. */
    public static String of(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
