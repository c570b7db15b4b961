package io.mesosoperator.scheduler.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Fans out what happens (events, task state changes, status changes) to whoever watches, for
 * GET /v1/events. Shared by every leadership term; delivery is best-effort and never blocks the loop.
 */
public final class WatchHub {
    /** One thing that happened to a resource. {@code kind}: event, task or status. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Change(String time, String kind, String resource, String type, String reason, String message) {}

    /** Sent to every watcher when the operator stops, so that open streams end at once. */
    public static final Change END = new Change(null, "end", "", null, null, null);

    private final List<Consumer<Change>> watchers = new CopyOnWriteArrayList<>();

    /** Ends every watch (the operator is stopping). */
    public void endAll() {
        publish(END);
    }

    public AutoCloseable watch(Consumer<Change> watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    public void publish(Change change) {
        for (Consumer<Change> w : watchers) {
            try {
                w.accept(change);
            } catch (RuntimeException e) {
                watchers.remove(w);
            }
        }
    }
}
