package io.mesosoperator.scheduler.operator;

import io.mesosoperator.scheduler.events.EventRecorder;
import io.mesosoperator.scheduler.events.WatchHub;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.mesosoperator.scheduler.store.Store;
import io.mesosoperator.scheduler.store.StoreException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of each resource for `describe`: the last {@value #EVENTS_KEPT} in memory, and in
 * ZooKeeper (so followers and successors see them), stored with the next status flush because a
 * launch burst makes thousands of events. Recorded on the loop and on API threads; stored on the loop.
 */
final class EventLog implements EventRecorder {
    /** Logs under the Operator's name: these lines were its own before it was split. */
    private static final Logger LOG = LoggerFactory.getLogger(Operator.class);
    private static final int EVENTS_KEPT = 30;

    private final Store store;
    private final WatchHub watchers;
    private final Clock clock;
    private final Executor loop;
    private final Runnable scheduleFlush;
    private final ConcurrentMap<ResourceKey, Deque<OperatorEvent>> events = new ConcurrentHashMap<>();
    private final Set<ResourceKey> dirty = ConcurrentHashMap.newKeySet();

    /** {@code scheduleFlush} runs on the {@code loop} after each event, to store it soon. */
    EventLog(Store store, WatchHub watchers, Clock clock, Executor loop, Runnable scheduleFlush) {
        this.store = store;
        this.watchers = watchers;
        this.clock = clock;
        this.loop = loop;
        this.scheduleFlush = scheduleFlush;
    }

    /** The kept events of a resource, oldest first; from ZooKeeper for one that recorded none since this term began. */
    List<OperatorEvent> of(ResourceKey key) {
        Deque<OperatorEvent> list = events.get(key);
        if (list == null) {
            return store.events(key);
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    /** Keeps an event for `describe`, in memory and in ZooKeeper (so followers and successors see it). */
    @Override
    public void record(ResourceKey key, String type, String reason, String message) {
        Deque<OperatorEvent> list = events.computeIfAbsent(key, k -> new ArrayDeque<>(store.events(k)));
        OperatorEvent event = new OperatorEvent(clock.instant().toString(), type, reason, message);
        watchers.publish(new WatchHub.Change(event.time(), "event", key.toString(), type, reason, message));
        synchronized (list) {
            list.addLast(event);
            while (list.size() > EVENTS_KEPT) {
                list.removeFirst();
            }
        }
        dirty.add(key); // stored with the next status flush: a launch burst makes thousands of events
        try {
            loop.execute(scheduleFlush); // record() also runs on API threads; the flush is the loop's
        } catch (RejectedExecutionException e) {
            // the term ended; the next leader starts from what was stored
        }
    }

    /** Stores the events of every resource that recorded some since the last flush (loop thread). */
    void flush() {
        for (ResourceKey key : List.copyOf(dirty)) {
            Deque<OperatorEvent> list = events.get(key);
            if (list != null) {
                List<OperatorEvent> snapshot;
                synchronized (list) {
                    snapshot = List.copyOf(list);
                }
                try {
                    store.putEvents(key, snapshot);
                } catch (StoreException e) {
                    LOG.warn("events of {} not stored: {}", key, e.getMessage()); // not worth failing an action for
                }
            }
            dirty.remove(key);
        }
    }

    /** A deleted resource's events go, from memory and from ZooKeeper, once none of its tasks is left. */
    void forget(ResourceKey key) {
        if (events.remove(key) != null) {
            store.deleteEvents(key);
        }
    }
}
