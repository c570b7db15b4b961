package io.mesosoperator.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.Message;
import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.mesos.RecordIo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One event stream (a scheduler's or an executor's subscription), read on a thread of its own.
 * The script awaits the events it expects, in its own order: what comes in between waits in
 * {@link #pending} for a later await, so only per-kind and per-task order is compared, never the
 * interleaving (which depends on timing with a real master as much as with mesos-local).
 */
final class Stream implements AutoCloseable {
    /** What {@link #next} gives when the server ended the stream. */
    static final JsonNode END = TextNode.valueOf("<end of stream>");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<JsonNode> records = new LinkedBlockingQueue<>();
    private final List<JsonNode> pending = new ArrayList<>();
    private final Thread reader;

    private Stream(HttpResponse<InputStream> response, ContentType type, Supplier<Message.Builder> events) {
        this.response = response;
        this.reader = new Thread(() -> {
            try (InputStream body = response.body()) {
                RecordIo.Reader in = new RecordIo.Reader(body);
                for (byte[] r = in.next(); r != null; r = in.next()) {
                    records.add(Wire.record(r, type, events));
                }
            } catch (IOException e) {
                // closed by us, or the server went away: the stream ends either way
            } finally {
                records.add(END);
            }
        }, "conformance-stream");
        reader.setDaemon(true);
        reader.start();
    }

    /** POSTs a SUBSCRIBE; the stream is read only when the answer is 200. */
    static Stream open(URI uri, Map<String, String> headers, byte[] body, ContentType type,
                       Supplier<Message.Builder> events) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<InputStream> response = Wire.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        return new Stream(response, type, events);
    }

    HttpResponse<InputStream> response() {
        return response;
    }

    String streamId() {
        return response.headers().firstValue("Mesos-Stream-Id").orElse(null);
    }

    /** The next record in arrival order (pending ones first), or {@link #END}. */
    JsonNode next() throws InterruptedException {
        if (!pending.isEmpty()) {
            return pending.remove(0);
        }
        JsonNode r = records.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no event within " + WAIT.toSeconds() + "s");
        }
        return r;
    }

    /** The first record (pending or new) that matches; fails naming {@code what} when none comes. */
    JsonNode await(String what, Predicate<JsonNode> wanted) throws InterruptedException {
        for (Iterator<JsonNode> it = pending.iterator(); it.hasNext(); ) {
            JsonNode r = it.next();
            if (wanted.test(r)) {
                it.remove();
                return r;
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode r = left <= 0 ? null : records.poll(left, TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("no " + what + " within " + WAIT.toSeconds() + "s; came instead: " + pending);
            }
            if (r == END) {
                records.add(END); // stays the end for whoever reads on
                throw new AssertionError("the stream ended before " + what + "; came instead: " + pending);
            }
            if (wanted.test(r)) {
                return r;
            }
            pending.add(r);
        }
    }

    /** Waits for the end of the stream; returns the records that came before it and were not awaited. */
    List<JsonNode> awaitEnd() throws InterruptedException {
        while (true) {
            JsonNode r = records.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new AssertionError("the stream did not end within " + WAIT.toSeconds() + "s");
            }
            if (r == END) {
                records.add(END);
                return drainPending();
            }
            pending.add(r);
        }
    }

    /** Whatever came and was not awaited, leaving nothing pending. */
    List<JsonNode> drainPending() {
        records.drainTo(pending);
        pending.remove(END);
        List<JsonNode> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    @Override
    public void close() {
        reader.interrupt();
        try {
            response.body().close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
