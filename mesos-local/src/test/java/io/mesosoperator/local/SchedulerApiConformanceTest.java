package io.mesosoperator.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.mesos.RecordIo;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A raw v1 scheduler client against mesos-local over real HTTP, in both content types: the
 * status codes, headers and event sequence a real Mesos master gives, and a command task that
 * really runs through the real executor jar.
 */
class SchedulerApiConformanceTest {
    @TempDir
    Path work;
    MesosLocalCluster cluster;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        cluster = MesosLocalCluster.builder(work).agents(1)
                .executorJar(Path.of(System.getProperty("mesos.operator.executor.jar")))
                .start();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @ParameterizedTest
    @EnumSource(ContentType.class)
    void subscribeLaunchAcknowledgeKill(ContentType type) throws Exception {
        URI endpoint = URI.create(cluster.masterUrl() + "/api/v1/scheduler");
        Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder()
                        .setUser("root").setName("conformance").setFailoverTimeout(60)))
                .build();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(endpoint)
                        .header("Content-Type", type.mediaType()).header("Accept", type.mediaType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(type.encode(subscribe))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(type.mediaType());
        String streamId = response.headers().firstValue("Mesos-Stream-Id").orElseThrow();
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();

        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                RecordIo.Reader records = new RecordIo.Reader(response.body());
                for (byte[] r = records.next(); r != null; r = records.next()) {
                    events.add(type.decode(r, Event.newBuilder()).build());
                }
            } catch (Exception ignored) {
                // stream closed at the end of the test
            }
        });
        reader.setDaemon(true);
        reader.start();

        Event subscribed = events.poll(5, TimeUnit.SECONDS);
        assertThat(subscribed.getType()).isEqualTo(Event.Type.SUBSCRIBED);
        assertThat(subscribed.getSubscribed().getHeartbeatIntervalSeconds()).isEqualTo(15.0);
        var frameworkId = subscribed.getSubscribed().getFrameworkId();
        assertThat(frameworkId.getValue()).isEqualTo(cluster.master().id() + "-0000");
        assertThat(events.poll(5, TimeUnit.SECONDS).getType()).isEqualTo(Event.Type.HEARTBEAT);
        Event offers = next(events, Event.Type.OFFERS);
        Offer offer = offers.getOffers().getOffers(0);
        assertThat(offer.getId().getValue()).startsWith(cluster.master().id() + "-O");

        // a call without the stream id, and one with a wrong one, are refused as Mesos does
        Call decline = Call.newBuilder().setType(Call.Type.DECLINE).setFrameworkId(frameworkId)
                .setDecline(Call.Decline.newBuilder().addOfferIds(offer.getId())).build();
        HttpResponse<String> noStream = post(endpoint, type, decline, null);
        assertThat(noStream.statusCode()).isEqualTo(400);
        assertThat(noStream.body()).isEqualTo("All non-subscribe calls should include the 'Mesos-Stream-Id' header");
        HttpResponse<String> wrongStream = post(endpoint, type, decline, "not-the-stream");
        assertThat(wrongStream.statusCode()).isEqualTo(400);
        assertThat(wrongStream.body()).contains("didn't match the stream ID");

        // launch a command-only task on the offer: it runs as a real process via the executor jar
        TaskInfo task = TaskInfo.newBuilder().setName("hello").setTaskId(TaskID.newBuilder().setValue("hello-" + type))
                .setAgentId(offer.getAgentId())
                .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
                .setCommand(CommandInfo.newBuilder().setValue("echo hello from $MESOS_TASK_ID; exec sleep 300"))
                .build();
        Call accept = Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(frameworkId)
                .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                                .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task))))
                .build();
        HttpResponse<String> accepted = post(endpoint, type, accept, streamId);
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.body()).isEmpty();

        TaskStatus starting = nextUpdate(events, TaskState.TASK_STARTING);
        assertThat(starting.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
        assertThat(starting.hasUuid()).isTrue();
        // the agent sends the next update only after the scheduler acknowledged this one
        assertThat(post(endpoint, type, ack(frameworkId, starting), streamId).statusCode()).isEqualTo(202);
        TaskStatus running = nextUpdate(events, TaskState.TASK_RUNNING);
        post(endpoint, type, ack(frameworkId, running), streamId);

        Path sandbox = Path.of(running.getLabels().getLabels(0).getValue());
        awaitFileContains(sandbox.resolve("stdout"), "hello from hello-" + type);

        // implicit reconciliation reports the task without a uuid
        post(endpoint, type, Call.newBuilder().setType(Call.Type.RECONCILE).setFrameworkId(frameworkId)
                .setReconcile(Call.Reconcile.getDefaultInstance()).build(), streamId);
        TaskStatus reconciled = nextUpdate(events, TaskState.TASK_RUNNING);
        assertThat(reconciled.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
        assertThat(reconciled.hasUuid()).isFalse();

        post(endpoint, type, Call.newBuilder().setType(Call.Type.KILL).setFrameworkId(frameworkId)
                .setKill(Call.Kill.newBuilder().setTaskId(task.getTaskId())).build(), streamId);
        TaskStatus killed = nextUpdate(events, TaskState.TASK_KILLED);
        post(endpoint, type, ack(frameworkId, killed), streamId);
        assertThat(next(events, Event.Type.FAILURE).getFailure().getExecutorId().getValue()).isEqualTo(task.getTaskId().getValue());
    }

    private static Call ack(org.apache.mesos.v1.Protos.FrameworkID fw, TaskStatus status) {
        return Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setFrameworkId(fw)
                .setAcknowledge(Call.Acknowledge.newBuilder().setAgentId(status.getAgentId())
                        .setTaskId(status.getTaskId()).setUuid(status.getUuid()))
                .build();
    }

    private HttpResponse<String> post(URI endpoint, ContentType type, Call call, String streamId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).header("Content-Type", type.mediaType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(type.encode(call)));
        if (streamId != null) {
            request.header("Mesos-Stream-Id", streamId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Event next(BlockingQueue<Event> events, Event.Type type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Event e = events.poll(1, TimeUnit.SECONDS);
            if (e != null && e.getType() == type) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event within 30s");
    }

    static TaskStatus nextUpdate(BlockingQueue<Event> events, TaskState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Event e = events.poll(1, TimeUnit.SECONDS);
            if (e != null && e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getState() == state) {
                return e.getUpdate().getStatus();
            }
        }
        throw new AssertionError("no " + state + " update within 30s");
    }

    static void awaitFileContains(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(file + " never contained '" + text + "'");
    }

    static Resource scalar(String name, double value) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }

}
