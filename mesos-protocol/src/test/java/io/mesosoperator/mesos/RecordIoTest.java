package io.mesosoperator.mesos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

class RecordIoTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void framesAsSizeNewlineDataWithoutTrailingNewline() {
        assertThat(RecordIo.frame(ascii("{\"type\":\"HEARTBEAT\"}"))).isEqualTo(ascii("20\n{\"type\":\"HEARTBEAT\"}"));
    }

    @Test
    void readsTheDocsExampleStream() throws IOException {
        // docs/recordio.md / scheduler-http-api.md: records back to back, sizes in decimal ASCII
        List<byte[]> records = RecordIo.readAll(ascii("5\nhello6\n world1\n!"));
        assertThat(records).extracting(r -> new String(r, StandardCharsets.US_ASCII)).containsExactly("hello", " world", "!");
    }

    @Test
    void chunkBoundariesDoNotMatter() throws IOException {
        byte[] stream = RecordIo.frameAll(List.of(ascii("abc"), ascii("0123456789"), ascii("x")));
        // an input that hands out one byte at a time, as a proxy may re-chunk
        InputStream trickle = new InputStream() {
            private int i;

            @Override
            public int read() {
                return i < stream.length ? stream[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                int c = read();
                if (c < 0) {
                    return -1;
                }
                b[off] = (byte) c;
                return 1;
            }
        };
        RecordIo.Reader reader = new RecordIo.Reader(trickle);
        assertThat(reader.next()).isEqualTo(ascii("abc"));
        assertThat(reader.next()).isEqualTo(ascii("0123456789"));
        assertThat(reader.next()).isEqualTo(ascii("x"));
        assertThat(reader.next()).isNull();
    }

    @Test
    void protobufRecordsUseTheSameTextualLengthPrefix() throws IOException {
        // mesos-transcripts README fact 2: a protobuf HEARTBEAT is "2\n" + 08 08
        byte[] heartbeat = Event.newBuilder().setType(Event.Type.HEARTBEAT).build().toByteArray();
        assertThat(RecordIo.frame(heartbeat)).containsExactly('2', '\n', 0x08, 0x08);
        assertThat(Event.parseFrom(RecordIo.readAll(RecordIo.frame(heartbeat)).get(0)).getType()).isEqualTo(Event.Type.HEARTBEAT);
    }

    @Test
    void truncatedAndMalformedStreamsFailLoudly() {
        assertThatThrownBy(() -> RecordIo.readAll(ascii("10\nshort"))).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> RecordIo.readAll(ascii("12"))).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> RecordIo.readAll(ascii("1x\na"))).isInstanceOf(IOException.class).hasMessageContaining("malformed");
        assertThatThrownBy(() -> RecordIo.readAll(ascii("\nabc"))).isInstanceOf(IOException.class).hasMessageContaining("empty size");
        assertThatThrownBy(() -> new RecordIo.Reader(new ByteArrayInputStream(ascii("123456789012345678901\n"))).next())
                .isInstanceOf(IOException.class);
    }

    @Test
    void readsARealMasterCaptureByteForByte() throws IOException {
        // the first records of a real Mesos 1.12 JSON subscription (mesos-transcripts/scheduler-json.recordio)
        java.nio.file.Path capture = java.nio.file.Path.of(System.getProperty("mesos.transcripts",
                "../../shared/mesos-transcripts"), "scheduler-json.recordio");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(capture), "capture not present");
        List<byte[]> records = RecordIo.readAll(java.nio.file.Files.readAllBytes(capture));
        assertThat(records).isNotEmpty();
        Event subscribed = ContentType.JSON.decode(records.get(0), Event.newBuilder()).build();
        assertThat(subscribed.getType()).isEqualTo(Event.Type.SUBSCRIBED);
        assertThat(subscribed.getSubscribed().getHeartbeatIntervalSeconds()).isEqualTo(15.0);
        assertThat(new String(records.get(1), StandardCharsets.US_ASCII)).isEqualTo("{\"type\":\"HEARTBEAT\"}");
        for (byte[] record : records) {
            ContentType.JSON.decode(record, Event.newBuilder()); // every record parses as an Event
        }
    }
}
