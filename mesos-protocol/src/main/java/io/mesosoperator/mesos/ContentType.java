package io.mesosoperator.mesos;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The two encodings of the Mesos v1 HTTP APIs. JSON is printed as Mesos prints it ({@link MesosJson}:
 * 64-bit integers as numbers, which some frameworks' decoders insist on) and parsed leniently by
 * protobuf's JsonFormat, which takes 64-bit integers as numbers or strings, as a Mesos master does;
 * unknown fields in what we parse are ignored, as Mesos ignores them.
 */
public enum ContentType {
    PROTOBUF("application/x-protobuf"),
    JSON("application/json");

    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final String mediaType;

    ContentType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public byte[] encode(Message message) {
        return this == PROTOBUF ? message.toByteArray() : MesosJson.print(message).getBytes(StandardCharsets.UTF_8);
    }

    /** Parses into the given builder and returns it, so callers keep the concrete type. */
    public <B extends Message.Builder> B decode(byte[] bytes, B builder) throws InvalidProtocolBufferException {
        if (this == PROTOBUF) {
            builder.mergeFrom(bytes);
        } else {
            PARSER.merge(new String(bytes, StandardCharsets.UTF_8), builder);
        }
        return builder;
    }

    /** Matches a Content-Type header value (parameters such as charset are ignored). */
    public static Optional<ContentType> fromHeader(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String base = header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (ContentType type : values()) {
            if (type.mediaType.equals(base)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** From a config value: "json", "protobuf", or a media type. */
    public static ContentType parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("json")) {
            return JSON;
        }
        if (v.equals("protobuf") || v.equals("proto")) {
            return PROTOBUF;
        }
        return fromHeader(v).orElseThrow(() -> new IllegalArgumentException(
                "unknown Mesos content type '" + value + "': expected json or protobuf"));
    }
}
