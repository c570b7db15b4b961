package io.mesosoperator.scheduler.api;

import io.mesosoperator.scheduler.events.WatchHub;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client's GET /v1/events, held by no thread: changes wait in a queue and are written with
 * non-blocking I/O, by a shared writer thread when they arrive or by the server when the client can
 * take more. A client more than {@link #MAX_QUEUED} changes behind is told so and ended (a client
 * that reconnects starts afresh instead of silently missing changes); one that went away is let go
 * at the next write, at the latest with the next keep-alive.
 */
final class EventStream implements WriteListener, AsyncListener {
    static final int MAX_QUEUED = 10_000;

    /** What the client's filters (kind, name, only) let through. */
    record Filter(String kind, String name, Set<String> only) {
        boolean wants(WatchHub.Change change) {
            String resource = change.resource(); // KIND/NAME
            int slash = Math.max(resource.indexOf('/'), 0);
            return (kind == null || kind.equalsIgnoreCase(resource.substring(0, slash)))
                    && (name == null || name.equals(resource.substring(resource.indexOf('/') + 1)))
                    && (only == null || only.contains(change.kind()));
        }
    }

    private static final byte[] WATCHING = comment("watching");
    private static final byte[] KEEP_ALIVE = comment("keep-alive");
    private static final byte[] DROPPED = comment("dropped: this watcher fell " + MAX_QUEUED + " changes behind");
    /** Nothing to write: the operator stops, end the stream. */
    private static final byte[] END = new byte[0];

    private final Filter filter;
    private final AsyncContext async;
    private final ServletOutputStream out;
    private final EventStreams streams;
    private final Queue<byte[]> pending = new ConcurrentLinkedQueue<>();
    /** Changes in {@code pending} (comments and the end are not counted). */
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The last frame (the end, or the dropped notice) is queued: nothing more is taken. */
    private volatile boolean finishing;
    /** The server took the write listener: from now on writes are non-blocking. */
    private volatile boolean started;
    /** Written but not flushed yet; only touched while draining. */
    private boolean unflushed;
    /** The last frame is written; the stream completes once it is flushed. */
    private boolean lastWritten;

    EventStream(Filter filter, AsyncContext async, EventStreams streams) throws IOException {
        this.filter = filter;
        this.async = async;
        this.out = async.getResponse().getOutputStream();
        this.streams = streams;
        pending.add(WATCHING);
    }

    /** Subscribes first, then lets the server write: once the client reads ": watching", no change is missed. */
    void start() {
        async.addListener(this);
        streams.add(this);
        try {
            out.setWriteListener(this);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        started = true;
        scheduleDrain();
    }

    boolean wants(WatchHub.Change change) {
        return filter.wants(change);
    }

    void offer(byte[] frame) {
        if (finishing) {
            return;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            last(DROPPED);
            return;
        }
        pending.add(frame);
        scheduleDrain();
    }

    /** A comment for an idle stream: proxies keep it open, and a client that went away shows at the write. */
    void keepAlive() {
        if (!finishing && pending.isEmpty()) {
            pending.add(KEEP_ALIVE);
            scheduleDrain();
        }
    }

    void end() {
        last(END);
    }

    private void last(byte[] frame) {
        if (!finishing) {
            finishing = true;
            pending.add(frame);
            scheduleDrain();
        }
    }

    private void scheduleDrain() {
        if (started && drainScheduled.compareAndSet(false, true)) {
            try {
                streams.writers().execute(this::drain);
            } catch (RejectedExecutionException e) {
                close(); // the server is stopping
            }
        }
    }

    /** Writes what the client can take now; the server calls {@link #onWritePossible()} when it can take more. */
    private synchronized void drain() {
        drainScheduled.set(false);
        if (closed.get()) {
            return;
        }
        try {
            while (out.isReady()) {
                if (lastWritten && !unflushed) {
                    close();
                    return;
                }
                byte[] frame = lastWritten ? null : pending.poll();
                if (frame == null) {
                    if (!unflushed) {
                        return;
                    }
                    unflushed = false;
                    out.flush();
                    continue;
                }
                if (frame == END || frame == DROPPED) {
                    lastWritten = true;
                } else if (frame != WATCHING && frame != KEEP_ALIVE) {
                    queued.decrementAndGet();
                }
                if (frame.length > 0) {
                    out.write(frame);
                    unflushed = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            close(); // the client went away
        }
    }

    /** Ends the stream once: unsubscribed, its place free, the request completed. */
    private void close() {
        if (closed.compareAndSet(false, true)) {
            pending.clear();
            streams.remove(this);
            try {
                async.complete();
            } catch (IllegalStateException alreadyCompleted) {
                // the server completed it (client gone, server stopping)
            }
        }
    }

    @Override
    public void onWritePossible() {
        drain();
    }

    @Override
    public void onError(Throwable t) {
        close();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close();
    }

    @Override
    public void onError(AsyncEvent event) {
        close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }

    private static byte[] comment(String text) {
        return (": " + text + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
