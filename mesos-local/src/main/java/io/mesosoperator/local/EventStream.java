package io.mesosoperator.local;

import com.google.protobuf.Message;
import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.mesos.RecordIo;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A RecordIO event stream on a long-lived HTTP response. Events are queued by the owning actor and
 * written by the request's own thread, one record per HTTP chunk (as Mesos does), so a slow
 * subscriber never blocks the master or agent.
 */
final class EventStream {
    private static final byte[] CLOSE = new byte[0];

    private final String id;
    private final ContentType contentType;
    private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    /** Fault injection: a muted stream silently drops events, like a half-open connection. */
    private volatile boolean muted;

    EventStream(String id, ContentType contentType) {
        this.id = id;
        this.contentType = contentType;
    }

    String id() {
        return id;
    }

    boolean isClosed() {
        return closed;
    }

    void mute() {
        muted = true;
    }

    void send(Message event) {
        if (!closed && !muted) {
            queue.add(RecordIo.frame(contentType.encode(event)));
        }
    }

    /** Ends the response after the events already queued. */
    void close() {
        queue.add(CLOSE);
    }

    /**
     * Writes queued events until closed or the peer goes away; runs on the HTTP request thread.
     * Returns normally in both cases; {@code onBroken} runs only when the peer went away.
     */
    void pump(HttpServletResponse response, Runnable onBroken) {
        try {
            OutputStream out = response.getOutputStream();
            response.flushBuffer();
            while (true) {
                byte[] record = queue.poll(1, TimeUnit.SECONDS);
                if (record == CLOSE) {
                    closed = true;
                    return;
                }
                if (record != null) {
                    out.write(record);
                    out.flush();
                }
            }
        } catch (IOException e) {
            closed = true;
            onBroken.run();
        } catch (InterruptedException e) {
            closed = true;
            Thread.currentThread().interrupt();
        }
    }
}
