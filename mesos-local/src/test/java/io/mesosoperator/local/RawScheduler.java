package io.mesosoperator.local;

import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.mesos.RecordIo;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** A bare v1 scheduler for conformance tests: raw HTTP, events in a queue, nothing clever. */
final class RawScheduler {
    final URI endpoint;
    final ContentType type;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** The SUBSCRIBE response (status and headers; its body is the event stream). */
    HttpResponse<InputStream> subscription;
    String streamId;
    FrameworkID frameworkId;

    RawScheduler(String masterUrl, ContentType type) {
        this.endpoint = URI.create(masterUrl + "/api/v1/scheduler");
        this.type = type;
    }

    Event subscribe(FrameworkInfo info) throws Exception {
        Call call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build();
        subscription = http.send(HttpRequest.newBuilder(endpoint).header("Content-Type", type.mediaType())
                        .header("Accept", type.mediaType()).POST(HttpRequest.BodyPublishers.ofByteArray(type.encode(call))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        streamId = subscription.headers().firstValue("Mesos-Stream-Id").orElse(null);
        Thread reader = new Thread(() -> {
            try {
                RecordIo.Reader records = new RecordIo.Reader(subscription.body());
                for (byte[] r = records.next(); r != null; r = records.next()) {
                    events.add(type.decode(r, Event.newBuilder()).build());
                }
            } catch (Exception ignored) {
                // the stream ends with the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        Event subscribed = next(Event.Type.SUBSCRIBED);
        frameworkId = subscribed.getSubscribed().getFrameworkId();
        return subscribed;
    }

    HttpResponse<String> call(Call.Builder call) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).header("Content-Type", type.mediaType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(type.encode(call.setFrameworkId(frameworkId).build())));
        if (streamId != null) {
            request.header("Mesos-Stream-Id", streamId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    Event next(Event.Type wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Event e = events.poll(1, TimeUnit.SECONDS);
            if (e != null && e.getType() == wanted) {
                return e;
            }
        }
        throw new AssertionError("no " + wanted + " event within 30s");
    }

    /** Waits for an update of a task in a state, acknowledging every update that carries a uuid. */
    TaskStatus awaitUpdate(String taskId, TaskState state) throws Exception {
        return awaitUpdates(state, taskId).get(taskId);
    }

    /** Waits until every one of the tasks reached the state (in any order), acknowledging every update. */
    java.util.Map<String, TaskStatus> awaitUpdates(TaskState state, String... taskIds) throws Exception {
        return awaitUpdates(state, s -> { }, taskIds);
    }

    /** A task's updates, in order, up to and including the first in {@code state}. */
    java.util.List<TaskStatus> updatesUntil(String taskId, TaskState state) throws Exception {
        java.util.List<TaskStatus> updates = new java.util.ArrayList<>();
        awaitUpdates(state, s -> {
            if (s.getTaskId().getValue().equals(taskId)) {
                updates.add(s);
            }
        }, taskId);
        return updates;
    }

    private java.util.Map<String, TaskStatus> awaitUpdates(TaskState state, java.util.function.Consumer<TaskStatus> each,
                                                          String... taskIds) throws Exception {
        java.util.Map<String, TaskStatus> seen = new java.util.HashMap<>();
        java.util.Set<String> wanted = java.util.Set.of(taskIds);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen.size() < wanted.size() && System.nanoTime() < deadline) {
            Event e = events.poll(1, TimeUnit.SECONDS);
            if (e == null || e.getType() != Event.Type.UPDATE) {
                continue;
            }
            TaskStatus s = e.getUpdate().getStatus();
            each.accept(s);
            if (s.hasUuid()) {
                call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                        .setAgentId(s.getAgentId()).setTaskId(s.getTaskId()).setUuid(s.getUuid())));
            }
            if (wanted.contains(s.getTaskId().getValue()) && s.getState() == state) {
                seen.put(s.getTaskId().getValue(), s);
            }
        }
        if (seen.size() < wanted.size()) {
            throw new AssertionError("only " + seen.keySet() + " of " + wanted + " reached " + state + " within 30s");
        }
        return seen;
    }
}
