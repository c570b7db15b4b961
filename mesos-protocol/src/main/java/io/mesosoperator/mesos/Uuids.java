package io.mesosoperator.mesos;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.UUID;

/** Status-update UUIDs travel as 16 raw bytes; Mesos rejects bytes that are not a valid UUID. */
public final class Uuids {
    private Uuids() {}

    public static ByteString random() {
        return toBytes(UUID.randomUUID());
    }

    public static ByteString toBytes(UUID uuid) {
        ByteBuffer buf = ByteBuffer.allocate(16);
        buf.putLong(uuid.getMostSignificantBits());
        buf.putLong(uuid.getLeastSignificantBits());
        return ByteString.copyFrom(buf.array());
    }

    /** True when the bytes are 16 long and carry a UUID version 1-5, as the Mesos agent checks. */
    public static boolean isValid(ByteString bytes) {
        if (bytes.size() != 16) {
            return false;
        }
        int version = (bytes.byteAt(6) >> 4) & 0x0f;
        return version >= 1 && version <= 5;
    }

    public static String toText(ByteString bytes) {
        if (bytes.size() != 16) {
            return bytes.toStringUtf8();
        }
        ByteBuffer buf = bytes.asReadOnlyByteBuffer();
        return new UUID(buf.getLong(), buf.getLong()).toString();
    }
}
