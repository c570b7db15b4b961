package io.mesosoperator.mesos;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * RecordIO framing of the Mesos v1 streaming APIs (docs/recordio.md): each record is its size in
 * ASCII decimal, a line feed, then exactly that many bytes; no trailing newline. Chunk boundaries
 * of the underlying HTTP stream mean nothing, so the reader works on a plain byte stream.
 */
public final class RecordIo {
    /** A size prefix longer than this many digits cannot be a uint64; the stream is corrupt. */
    private static final int MAX_SIZE_DIGITS = 20;

    private RecordIo() {}

    /** Frames one record: {@code <size>\n<data>}. */
    public static byte[] frame(byte[] data) {
        byte[] prefix = (data.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + data.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(data, 0, out, prefix.length, data.length);
        return out;
    }

    /** Reads records one at a time from a stream. Not thread-safe. */
    public static final class Reader {
        private final InputStream in;

        public Reader(InputStream in) {
            this.in = in;
        }

        /**
         * Returns the next record, or null at a clean end of stream (between records).
         *
         * @throws EOFException if the stream ends inside a record
         * @throws IOException if the size prefix is malformed
         */
        public byte[] next() throws IOException {
            long size = 0;
            int digits = 0;
            while (true) {
                int b = in.read();
                if (b == -1) {
                    if (digits == 0) {
                        return null;
                    }
                    throw new EOFException("stream ended inside a RecordIO size prefix");
                }
                if (b == '\n') {
                    break;
                }
                if (b < '0' || b > '9' || ++digits > MAX_SIZE_DIGITS) {
                    throw new IOException("malformed RecordIO size prefix (byte 0x"
                            + Integer.toHexString(b) + " after " + digits + " digits)");
                }
                size = size * 10 + (b - '0');
            }
            if (digits == 0) {
                throw new IOException("malformed RecordIO record: empty size prefix");
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException("RecordIO record of " + size + " bytes is too large");
            }
            byte[] data = in.readNBytes((int) size);
            if (data.length != size) {
                throw new EOFException("stream ended inside a RecordIO record: got " + data.length
                        + " of " + size + " bytes");
            }
            return data;
        }
    }

    /** Convenience for tests and tools: all records of a byte array. */
    public static java.util.List<byte[]> readAll(byte[] bytes) throws IOException {
        Reader reader = new Reader(new java.io.ByteArrayInputStream(bytes));
        java.util.List<byte[]> records = new java.util.ArrayList<>();
        for (byte[] r = reader.next(); r != null; r = reader.next()) {
            records.add(r);
        }
        return records;
    }

    /** Convenience: frames several records into one byte array. */
    public static byte[] frameAll(java.util.List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        records.forEach(r -> out.writeBytes(frame(r)));
        return out.toByteArray();
    }
}
