package io.mesosoperator.mesos;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The two encodings of the Mesos v1 HTTP APIs. JSON uses proto field names (snake_case) and enum
 * names, as stout's protobuf-to-JSON does; unknown fields in what we parse are ignored, as Mesos
 * ignores them.
 */
public enum ContentType {
    PROTOBUF("application/x-protobuf"),
    JSON("application/json");

    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final String mediaType;

    ContentType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public byte[] encode(Message message) {
        if (this == PROTOBUF) {
            return message.toByteArray();
        }
        try {
            return PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("cannot print " + message.getDescriptorForType().getFullName(), e);
        }
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
