package io.mesosoperator.local;

import com.google.protobuf.ByteString;
import io.mesosoperator.mesos.TaskStates;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's status update manager, as src/slave/task_status_update_manager.cpp: one stream of
 * pending updates per task, of which only the head goes to the master, re-sent with exponential
 * backoff until the scheduler acknowledges it. Everything but {@link #dropNext} runs on the
 * agent's actor, which also runs the retry timers.
 */
final class TaskStatusUpdates {
    /** The agent's logger: these are the agent's messages, and log filters know them by its name. */
    private static final Logger LOG = LoggerFactory.getLogger(LocalAgent.class);

    private final String agentName;
    private final Duration retryInterval;
    private final Actor actor;
    private final BooleanSupplier partitioned;
    /** The agent's master of the moment: a new leader takes over the streams as they are. */
    private final Supplier<LocalMaster> master;
    private final Map<String, UpdateStream> streams = new LinkedHashMap<>();
    /** Fault injection: how many status updates to lose on their way to the master. */
    private final AtomicInteger updatesToDrop = new AtomicInteger();

    /** The pending updates of one task: only the head is forwarded until it is acknowledged. */
    private static final class UpdateStream {
        final String frameworkId;
        final Deque<TaskStatus> pending = new ArrayDeque<>();
        TaskState latest;
        ScheduledFuture<?> retry;
        long retryMillis;

        UpdateStream(String frameworkId) {
            this.frameworkId = frameworkId;
        }
    }

    TaskStatusUpdates(String agentName, Duration retryInterval, Actor actor, BooleanSupplier partitioned,
            Supplier<LocalMaster> master) {
        this.agentName = agentName;
        this.retryInterval = retryInterval;
        this.actor = actor;
        this.partitioned = partitioned;
        this.master = master;
    }

    /** A new update for a task, from its executor or from the agent itself. */
    void update(String frameworkId, TaskStatus status) {
        String key = frameworkId + "/" + status.getTaskId().getValue();
        UpdateStream stream = streams.computeIfAbsent(key, k -> new UpdateStream(frameworkId));
        if (stream.pending.stream().anyMatch(s -> s.getUuid().equals(status.getUuid()))) {
            return; // a duplicate (re-sent by the executor): already queued
        }
        stream.latest = status.getState();
        stream.pending.add(status);
        // behind an unacknowledged head it waits: the master learns the newest state with the head's
        // next forwarding (a retry or after the acknowledgement), as StatusUpdateMessage.latest_state
        if (stream.pending.size() == 1) {
            stream.retryMillis = retryInterval.toMillis();
            forward(key, stream);
        }
    }

    /** The scheduler acknowledged the head of a task's stream: the next update, if any, goes out. */
    void acknowledgement(String frameworkId, String taskId, ByteString uuid) {
        String key = frameworkId + "/" + taskId;
        UpdateStream stream = streams.get(key);
        if (stream == null || stream.pending.isEmpty() || !stream.pending.peek().getUuid().equals(uuid)) {
            LOG.debug("unexpected acknowledgement for task {} of framework {}", taskId, frameworkId);
            return;
        }
        TaskStatus acked = stream.pending.poll();
        if (stream.retry != null) {
            stream.retry.cancel(false);
        }
        if (!stream.pending.isEmpty()) {
            stream.retryMillis = retryInterval.toMillis();
            forward(key, stream);
        } else if (TaskStates.isTerminal(acked.getState())) {
            streams.remove(key);
        }
    }

    /** Re-sends the head of every stream, to a master the agent has just (re-)registered with. */
    void resume() {
        streams.forEach(this::forward);
    }

    /** Forgets a framework's streams: it was shut down, so nobody will acknowledge them. */
    void cleanup(String frameworkId) {
        streams.values().removeIf(u -> u.frameworkId.equals(frameworkId));
    }

    /** Forgets every stream: the agent is gone, and its pending updates with it. */
    void clear() {
        streams.clear();
    }

    /** Fault injection, from any thread: the next {@code count} updates forwarded are lost; the retry brings them again. */
    void dropNext(int count) {
        updatesToDrop.set(count);
    }

    private void forward(String key, UpdateStream stream) {
        TaskStatus head = stream.pending.peek();
        if (head == null) {
            return;
        }
        if (partitioned.getAsBoolean()) {
            LOG.debug("agent {}: update for {} not forwarded: partitioned", agentName, key);
        } else if (updatesToDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            LOG.info("agent {}: dropping {} for {} (fault injection); it is retried", agentName, head.getState(), key);
        } else {
            master.get().statusUpdate(stream.frameworkId, head, stream.latest);
        }
        if (stream.retry != null) {
            stream.retry.cancel(false);
        }
        stream.retry = actor.delay(stream.retryMillis, () -> {
            if (streams.get(key) == stream && stream.pending.peek() == head) {
                stream.retryMillis = Math.min(stream.retryMillis * 2, Duration.ofMinutes(10).toMillis());
                forward(key, stream);
            }
        });
    }
}
