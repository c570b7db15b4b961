package io.mesosoperator.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesosoperator.mesos.ContentType;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
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

    @BeforeEach
    void start() throws Exception {
        cluster = MesosLocalCluster.builder(work).agents(1)
                .start();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @ParameterizedTest
    @EnumSource(ContentType.class)
    void subscribeLaunchAcknowledgeKill(ContentType type) throws Exception {
        RawScheduler scheduler = new RawScheduler(cluster.masterUrl(), type);
        Event subscribed = scheduler.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("conformance")
                .setFailoverTimeout(60).build());
        HttpResponse<?> head = scheduler.subscription;
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Type")).hasValue(type.mediaType());
        assertThat(scheduler.streamId).isNotBlank();
        assertThat(head.headers().firstValue("Content-Length")).isEmpty();
        assertThat(subscribed.getSubscribed().getHeartbeatIntervalSeconds()).isEqualTo(15.0);
        FrameworkID frameworkId = subscribed.getSubscribed().getFrameworkId();
        assertThat(frameworkId.getValue()).isEqualTo(cluster.master().id() + "-0000");
        assertThat(scheduler.events.poll(5, TimeUnit.SECONDS).getType()).isEqualTo(Event.Type.HEARTBEAT);
        Offer offer = scheduler.next(Event.Type.OFFERS).getOffers().getOffers(0);
        assertThat(offer.getId().getValue()).startsWith(cluster.master().id() + "-O");

        // a call without the stream id, and one with a wrong one, are refused as Mesos does
        Call.Builder decline = Call.newBuilder().setType(Call.Type.DECLINE)
                .setDecline(Call.Decline.newBuilder().addOfferIds(offer.getId()));
        String streamId = scheduler.streamId;
        scheduler.streamId = null;
        HttpResponse<String> noStream = scheduler.call(decline);
        assertThat(noStream.statusCode()).isEqualTo(400);
        assertThat(noStream.body()).isEqualTo("All non-subscribe calls should include the 'Mesos-Stream-Id' header");
        scheduler.streamId = "not-the-stream";
        HttpResponse<String> wrongStream = scheduler.call(decline);
        assertThat(wrongStream.statusCode()).isEqualTo(400);
        assertThat(wrongStream.body()).contains("didn't match the stream ID");
        scheduler.streamId = streamId;

        // launch a command-only task on the offer: the command executor runs it as a real process,
        // with its command's environment, after the agent fetched the command's URIs into its sandbox
        Path greeting = Files.writeString(work.resolve("greeting.txt"), "greetings from a fetched file");
        TaskInfo task = TaskInfo.newBuilder().setName("hello").setTaskId(TaskID.newBuilder().setValue("hello-" + type))
                .setAgentId(offer.getAgentId())
                .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
                .setCommand(CommandInfo.newBuilder().setValue("echo hello from $GREETER; cat greeting.txt; exec sleep 300")
                        .setEnvironment(org.apache.mesos.v1.Protos.Environment.newBuilder().addVariables(
                                org.apache.mesos.v1.Protos.Environment.Variable.newBuilder().setName("GREETER").setValue("hello-" + type)))
                        .addUris(CommandInfo.URI.newBuilder().setValue(greeting.toUri().toString()).setExtract(false)))
                .build();
        HttpResponse<String> accepted = scheduler.call(Call.newBuilder().setType(Call.Type.ACCEPT)
                .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                                .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))));
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.body()).isEmpty();

        TaskStatus starting = scheduler.awaitUpdate(task.getTaskId().getValue(), TaskState.TASK_STARTING);
        assertThat(starting.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
        assertThat(starting.hasUuid()).isTrue();
        // the agent sends the next update only after the scheduler acknowledged this one
        TaskStatus running = scheduler.awaitUpdate(task.getTaskId().getValue(), TaskState.TASK_RUNNING);
        // a command task runs in its command executor's sandbox (whose id is the task's)
        Path sandbox = cluster.agents().get(0).workDir().resolve(Path.of("slaves", running.getAgentId().getValue(), "frameworks",
                scheduler.frameworkId.getValue(), "executors", task.getTaskId().getValue(), "runs", "latest"));
        awaitFileContains(sandbox.resolve("stdout"), "hello from hello-" + type);
        awaitFileContains(sandbox.resolve("stdout"), "greetings from a fetched file");

        // implicit reconciliation reports the task without a uuid
        scheduler.call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.getDefaultInstance()));
        TaskStatus reconciled = scheduler.awaitUpdate(task.getTaskId().getValue(), TaskState.TASK_RUNNING);
        assertThat(reconciled.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
        assertThat(reconciled.hasUuid()).isFalse();

        scheduler.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder().setTaskId(task.getTaskId())));
        scheduler.awaitUpdate(task.getTaskId().getValue(), TaskState.TASK_KILLED);
        // no FAILURE follows: a real agent reports no exit of a command executor (conformance.DifferentialConformanceTest)
    }

    static void awaitFileContains(Path file, String text) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(file).exists().content().contains(text));
    }

    static Resource scalar(String name, double value) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }
}
