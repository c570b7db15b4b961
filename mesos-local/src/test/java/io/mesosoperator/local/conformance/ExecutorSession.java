package io.mesosoperator.local.conformance;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.mesos.Uuids;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * The executor session: a scheduler launches a task on a custom executor whose process only writes
 * down its environment and waits; the test then speaks the v1 executor API in its place (an agent
 * knows an executor by its framework and executor ids, not by its process), so every call and
 * every event of that API can be scripted: SUBSCRIBE (JSON), malformed calls, MESSAGE both ways,
 * UPDATE, a re-SUBSCRIBE (protobuf) that hands back an unacknowledged update with a new one, and
 * SHUTDOWN.
 */
final class ExecutorSession extends Session {
    private static final ExecutorID EXECUTOR = ExecutorID.newBuilder().setValue("probe").build();

    ExecutorSession(Target target) {
        super(target, ContentType.JSON);
    }

    Transcript run() throws Exception {
        try {
            script();
        } finally {
            if (stream != null) {
                send(org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()
                        .setType(org.apache.mesos.v1.scheduler.Protos.Call.Type.TEARDOWN), stream.streamId());
                stream.close();
            }
        }
        return transcript;
    }

    private void script() throws Exception {
        subscribe("scheduler SUBSCRIBE", framework("conformance-executor"));
        JsonNode offer = stream.await("OFFERS", e -> e.path("type").asText().equals("OFFERS")).at("/offers/offers/0");
        learnAgent(offer);
        ExecutorInfo probe = ExecutorInfo.newBuilder().setExecutorId(EXECUTOR).setType(ExecutorInfo.Type.CUSTOM)
                .setFrameworkId(frameworkId).setName("probe executor")
                // the process only writes its environment down; the test is the executor
                .setCommand(CommandInfo.newBuilder().setValue("env > env.tmp && mv env.tmp env.txt && exec sleep 600"))
                .setShutdownGracePeriod(DurationInfo.newBuilder().setNanoseconds(2_000_000_000L))
                .addResources(scalar("cpus", 0.05)).addResources(scalar("mem", 32)).addResources(scalar("disk", 16)).build();
        TaskInfo task = TaskInfo.newBuilder().setName("probe-1").setTaskId(taskId("probe-1")).setAgentId(agentId)
                .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
                .setData(ByteString.copyFromUtf8("task data"))
                .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("purpose").setValue("conformance")))
                .setExecutor(probe.toBuilder().clearFrameworkId()) // a LAUNCH's executor gets it from the master
                .build();
        call("ACCEPT", org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()
                .setType(org.apache.mesos.v1.scheduler.Protos.Call.Type.ACCEPT)
                .setAccept(org.apache.mesos.v1.scheduler.Protos.Call.Accept.newBuilder().addOfferIds(offerId(offer))
                        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                                .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))));
        transcript.add("executor environment", environment());

        URI api = URI.create(agentUrl + "/api/v1/executor");
        Stream executor = Stream.open(api, Wire.callHeaders(ContentType.JSON, null),
                ContentType.JSON.encode(executorCall(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.getDefaultInstance())
                        .build()), ContentType.JSON, Event::newBuilder);
        transcript.add("executor SUBSCRIBE: answer", Wire.describe(executor.response().statusCode(),
                executor.response().headers(), null, normalizer));
        transcript.add("executor: first event", event(executor.next()));
        JsonNode launch = executor.await("LAUNCH", e -> e.path("type").asText().equals("LAUNCH"));
        transcript.add("executor: LAUNCH", event(launch));

        malformedCalls(api);

        // a task group for the running executor
        // the agent's rest, offered at once on REVIVE (or already, once the ACCEPT's filter ended)
        call("REVIVE", org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()
                .setType(org.apache.mesos.v1.scheduler.Protos.Call.Type.REVIVE));
        JsonNode more = stream.await("OFFERS", e -> e.path("type").asText().equals("OFFERS")).at("/offers/offers/0");
        call("ACCEPT LAUNCH_GROUP", org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()
                .setType(org.apache.mesos.v1.scheduler.Protos.Call.Type.ACCEPT)
                .setAccept(org.apache.mesos.v1.scheduler.Protos.Call.Accept.newBuilder().addOfferIds(offerId(more))
                        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
                                .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(probe)
                                        .setTaskGroup(TaskGroupInfo.newBuilder().addTasks(TaskInfo.newBuilder().setName("probe-2")
                                                .setTaskId(taskId("probe-2")).setAgentId(agentId)
                                                .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
                                                .setCommand(CommandInfo.newBuilder().setValue("true"))))))));
        transcript.add("executor: LAUNCH_GROUP", event(executor.await("LAUNCH_GROUP",
                e -> e.path("type").asText().equals("LAUNCH_GROUP"))));

        // MESSAGE both ways
        post(api, "executor MESSAGE", executorCall(Call.Type.MESSAGE)
                .setMessage(Call.Message.newBuilder().setData(ByteString.copyFromUtf8("from the executor"))), ContentType.JSON);
        awaitEvent("scheduler: MESSAGE", "MESSAGE");
        call("scheduler MESSAGE", org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()
                .setType(org.apache.mesos.v1.scheduler.Protos.Call.Type.MESSAGE)
                .setMessage(org.apache.mesos.v1.scheduler.Protos.Call.Message.newBuilder().setAgentId(agentId)
                        .setExecutorId(EXECUTOR).setData(ByteString.copyFromUtf8("from the scheduler"))));
        transcript.add("executor: MESSAGE", event(executor.await("MESSAGE", e -> e.path("type").asText().equals("MESSAGE"))));

        // an UPDATE: acknowledged to the executor at once, to the scheduler's stream, not yet acknowledged by it
        Call.Update running = update(TaskState.TASK_RUNNING);
        post(api, "executor UPDATE TASK_RUNNING", executorCall(Call.Type.UPDATE).setUpdate(running), ContentType.JSON);
        transcript.add("executor: ACKNOWLEDGED", event(executor.await("ACKNOWLEDGED",
                e -> e.path("type").asText().equals("ACKNOWLEDGED"))));
        JsonNode first = stream.await("UPDATE TASK_RUNNING", e -> e.path("type").asText().equals("UPDATE"));
        transcript.add("scheduler: UPDATE TASK_RUNNING", event(first));

        // the executor comes back (as after losing its connection) with that update and one the agent never
        // got; it names probe-1 only among the tasks it knows, so probe-2 (never updated) is lost
        executor.close();
        Call.Update finished = update(TaskState.TASK_FINISHED);
        Stream again = Stream.open(api, Wire.callHeaders(ContentType.PROTOBUF, null), ContentType.PROTOBUF.encode(
                executorCall(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
                        .addUnacknowledgedTasks(task).addUnacknowledgedUpdates(running).addUnacknowledgedUpdates(finished))
                        .build()), ContentType.PROTOBUF, Event::newBuilder);
        transcript.add("executor re-SUBSCRIBE: answer", Wire.describe(again.response().statusCode(),
                again.response().headers(), null, normalizer));
        transcript.add("executor: SUBSCRIBED again", event(again.await("SUBSCRIBED",
                e -> e.path("type").asText().equals("SUBSCRIBED"))));

        JsonNode lost = stream.await("UPDATE of probe-2", e -> e.path("type").asText().equals("UPDATE")
                && e.at("/update/status/task_id/value").asText().equals("probe-2"));
        transcript.add("scheduler: UPDATE of probe-2", event(lost));
        acknowledge(lost);

        // the scheduler acknowledges the first update; the re-sent one follows
        acknowledge(first);
        JsonNode next = stream.await("UPDATE TASK_FINISHED", e -> e.path("type").asText().equals("UPDATE")
                && e.at("/update/status/state").asText().equals("TASK_FINISHED"));
        transcript.add("scheduler: UPDATE TASK_FINISHED", event(next));
        acknowledge(next);

        call("SHUTDOWN", org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()
                .setType(org.apache.mesos.v1.scheduler.Protos.Call.Type.SHUTDOWN)
                .setShutdown(org.apache.mesos.v1.scheduler.Protos.Call.Shutdown.newBuilder().setAgentId(agentId)
                        .setExecutorId(EXECUTOR)));
        transcript.add("executor: SHUTDOWN", event(again.await("SHUTDOWN", e -> e.path("type").asText().equals("SHUTDOWN"))));
        // the process does not obey: after the grace period its container is destroyed
        transcript.add("scheduler: FAILURE", event(stream.await("FAILURE", e -> e.path("type").asText().equals("FAILURE"))));
        // whether the agent then ends the stream nobody sees: an executor leaves on SHUTDOWN
        recordUnawaited("executor: other events", again.drainPending());
        again.close();
        recordUnawaited("scheduler: other events", stream.drainPending());
    }

    private void malformedCalls(URI api) throws Exception {
        transcript.add("executor API: GET", Wire.describe(Wire.get(api), normalizer));
        transcript.add("executor API: unsupported Content-Type", Wire.describe(Wire.post(api, Map.of("Content-Type", "text/plain"),
                ContentType.JSON.encode(executorCall(Call.Type.SUBSCRIBE).build())), normalizer));
        post(api, "UPDATE without uuid", executorCall(Call.Type.UPDATE).setUpdate(Call.Update.newBuilder()
                .setStatus(update(TaskState.TASK_RUNNING).getStatus().toBuilder().clearUuid())), ContentType.JSON);
        post(api, "UPDATE with an 8-byte uuid", executorCall(Call.Type.UPDATE).setUpdate(Call.Update.newBuilder()
                .setStatus(update(TaskState.TASK_RUNNING).getStatus().toBuilder().setUuid(ByteString.copyFrom(new byte[8])))),
                ContentType.JSON);
        post(api, "UPDATE TASK_STAGING", executorCall(Call.Type.UPDATE).setUpdate(update(TaskState.TASK_STAGING)), ContentType.JSON);
        ExecutorID unknown = ExecutorID.newBuilder().setValue("no-such-executor").build();
        post(api, "UPDATE naming another executor in its status", executorCall(Call.Type.UPDATE).setExecutorId(unknown)
                .setUpdate(update(TaskState.TASK_RUNNING)), ContentType.JSON);
        post(api, "UPDATE of an unknown executor", executorCall(Call.Type.UPDATE).setExecutorId(unknown)
                .setUpdate(Call.Update.newBuilder().setStatus(update(TaskState.TASK_RUNNING).getStatus().toBuilder()
                        .clearExecutorId())), ContentType.JSON);
        post(api, "UPDATE of an unknown framework", executorCall(Call.Type.UPDATE).setFrameworkId(
                org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue("no-such-framework"))
                .setUpdate(update(TaskState.TASK_RUNNING)), ContentType.JSON);
    }

    private Call.Builder executorCall(Call.Type callType) {
        return Call.newBuilder().setType(callType).setFrameworkId(frameworkId).setExecutorId(EXECUTOR);
    }

    /** An update as an executor sends it: no agent id, no timestamp (the agent fills those in). */
    private static Call.Update update(TaskState state) {
        return Call.Update.newBuilder().setStatus(TaskStatus.newBuilder().setTaskId(taskId("probe-1")).setState(state)
                .setSource(TaskStatus.Source.SOURCE_EXECUTOR).setExecutorId(EXECUTOR).setUuid(Uuids.random())
                .setMessage("probe " + state.name().toLowerCase())).build();
    }

    private void post(URI api, String label, Call.Builder call, ContentType as) throws Exception {
        transcript.add(label, Wire.describe(Wire.post(api, Wire.callHeaders(as, null), as.encode(call.build())), normalizer));
    }

    private void acknowledge(JsonNode update) throws Exception {
        JsonNode status = update.at("/update/status");
        call("ACKNOWLEDGE " + status.path("state").asText(), org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()
                .setType(org.apache.mesos.v1.scheduler.Protos.Call.Type.ACKNOWLEDGE)
                .setAcknowledge(org.apache.mesos.v1.scheduler.Protos.Call.Acknowledge.newBuilder().setAgentId(agentId)
                        .setTaskId(taskId(status.at("/task_id/value").asText()))
                        .setUuid(ByteString.copyFrom(java.util.Base64.getDecoder().decode(status.path("uuid").asText())))));
    }

    /**
     * The variables an agent gives an executor (MESOS_*, LIBPROCESS_*), normalized; the rest of the
     * environment is compared nowhere (see docs/mesos-compatibility.md: a mesos-local executor
     * inherits the agent's).
     */
    private JsonNode environment() throws Exception {
        Path file = target.agentWorkDir().resolve(Path.of("slaves", agentId.getValue(), "frameworks", frameworkId.getValue(),
                "executors", EXECUTOR.getValue(), "runs", "latest", "env.txt"));
        await("the executor's env.txt").atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file));
        Map<String, String> variables = new TreeMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0 && (line.startsWith("MESOS_") || line.startsWith("LIBPROCESS_"))) {
                variables.put(line.substring(0, eq), normalizer.text(line.substring(eq + 1)));
            }
        }
        ObjectNode out = Wire.JSON.createObjectNode();
        variables.forEach(out::put);
        return out;
    }
}
