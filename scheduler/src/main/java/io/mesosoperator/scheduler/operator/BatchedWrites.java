package io.mesosoperator.scheduler.operator;

import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.Store;
import io.mesosoperator.scheduler.store.StoreException;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes the loop batches: task record changes, stored together before the status updates
 * that caused them are acknowledged (nothing acknowledged is lost on a crash), and the derived
 * statuses and the events, written at most every {@link #STATUS_FLUSH}. Loop thread only.
 */
final class BatchedWrites {
    /** Logs under the Operator's name: these lines were its own before it was split. */
    private static final Logger LOG = LoggerFactory.getLogger(Operator.class);
    private static final Duration STATUS_FLUSH = Duration.ofMillis(200);

    private final Store store;
    private final OperatorState state;
    private final EventLog events;
    private final ScheduledExecutorService loop;
    private final Consumer<Call.Builder> send;
    private final Set<ResourceKey> statusDirty = new LinkedHashSet<>();
    private final Map<String, TaskRecord> unstoredTasks = new LinkedHashMap<>();
    private final List<TaskStatus> unacknowledged = new ArrayList<>();
    private boolean taskFlushQueued;
    private boolean statusFlushScheduled;

    BatchedWrites(Store store, OperatorState state, EventLog events, ScheduledExecutorService loop,
                  Consumer<Call.Builder> send) {
        this.store = store;
        this.state = state;
        this.events = events;
        this.loop = loop;
        this.send = send;
    }

    /**
     * Queues a task record change and/or an acknowledgement; the loop stores every change queued
     * by then in one go (the updates of a burst share transactions) and only then acknowledges.
     */
    void storeSoon(String taskId, TaskRecord record, TaskStatus toAcknowledge) {
        if (taskId != null) {
            unstoredTasks.put(taskId, record);
        }
        if (toAcknowledge != null) {
            unacknowledged.add(toAcknowledge);
        }
        if (!taskFlushQueued) {
            taskFlushQueued = true;
            loop.execute(this::flushTasks);
        }
    }

    private void flushTasks() {
        taskFlushQueued = false;
        try {
            store.putTasks(unstoredTasks, false);
        } catch (StoreException e) {
            // not acknowledged: Mesos sends these updates again, and they are stored then
            LOG.warn("{} task update(s) not stored ({}); Mesos will resend them", unstoredTasks.size(), e.getMessage());
            unstoredTasks.clear();
            unacknowledged.clear();
            return;
        }
        unstoredTasks.clear();
        unacknowledged.forEach(this::acknowledge);
        unacknowledged.clear();
    }

    void acknowledge(TaskStatus status) {
        if (status.hasUuid() && status.hasAgentId()) {
            send.accept(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                    .setAgentId(status.getAgentId()).setTaskId(status.getTaskId()).setUuid(status.getUuid())));
        }
    }

    /**
     * Status is derived (recomputed from tasks at every reconciliation), so it is written at most
     * every {@link #STATUS_FLUSH}, coalescing the many changes of a big launch; the crash history
     * the backoff needs is written at once ({@code MesosEvents.recordFailure}).
     */
    void persistSoon(ResourceKey key) {
        statusDirty.add(key);
        scheduleFlush();
    }

    /** One flush of dirty statuses and events within {@link #STATUS_FLUSH}, however many asked. */
    void scheduleFlush() {
        if (!statusFlushScheduled) {
            statusFlushScheduled = true;
            loop.schedule(this::flushStatuses, STATUS_FLUSH.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void flushStatuses() {
        statusFlushScheduled = false;
        events.flush();
        for (java.util.Iterator<ResourceKey> it = statusDirty.iterator(); it.hasNext(); ) {
            ResourceKey key = it.next();
            ResourceStatus status = state.statuses.get(key);
            try {
                if (status != null && state.resources.containsKey(key)) {
                    store.putStatus(key, status);
                }
                it.remove();
            } catch (RuntimeException e) {
                LOG.warn("cannot store the status of {} yet ({}); retrying", key, e.getMessage());
                persistSoon(key);
                return;
            }
        }
    }
}
