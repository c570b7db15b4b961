package io.mesosoperator.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.mesos.ContentType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * The scheduler session, one run per content type: errors before subscribing, SUBSCRIBE, the first
 * offer, every malformed call, an ACCEPT launching a command task, a custom executor's task (the
 * project's executor jar) and a task group, an ACCEPT of a used offer, DECLINE with filters,
 * SUPPRESS and REVIVE, explicit and implicit RECONCILE, KILL, SHUTDOWN, a failover SUBSCRIBE and
 * TEARDOWN. Every answer and every awaited event goes into the transcript.
 */
final class SchedulerSession extends Session {
    private final String executorCommand;

    SchedulerSession(Target target, ContentType type, String executorCommand) {
        super(target, type);
        this.executorCommand = executorCommand;
    }

    Transcript run() throws Exception {
        try {
            script();
        } finally {
            if (stream != null) {
                // a session that stopped early leaves nothing behind for the next one
                send(Call.newBuilder().setType(Call.Type.TEARDOWN), stream.streamId());
                stream.close();
            }
        }
        return transcript;
    }

    private void script() throws Exception {
        FrameworkInfo info = framework("conformance-" + type.name().toLowerCase());
        byte[] subscribeBody = type.encode(subscribeCall(info).build());

        // refused before any framework exists
        transcript.add("GET", Wire.describe(Wire.get(scheduler), normalizer));
        transcript.add("unsupported Content-Type", Wire.describe(Wire.post(scheduler,
                Map.of("Content-Type", "text/plain"), subscribeBody), normalizer));
        byte[] garbage = type == ContentType.JSON ? "not json".getBytes(StandardCharsets.UTF_8) : new byte[] {(byte) 0xff, 1, 2};
        ObjectNode unparsable = Wire.describe(Wire.post(scheduler, Wire.callHeaders(type, null), garbage), normalizer);
        // Deliberate difference (docs/mesos-compatibility.md, "Differs"): what follows the prefix is the
        // JSON parser's own wording (picojson's in Mesos, protobuf's JsonFormat in mesos-local)
        unparsable.put("body", unparsable.path("body").asText().replaceFirst("^(Failed to parse body into JSON: ).*", "$1..."));
        transcript.add("unparsable body", unparsable);
        transcript.add("SUBSCRIBE with a Mesos-Stream-Id", Wire.describe(Wire.post(scheduler,
                Wire.callHeaders(type, "11111111-2222-4333-8444-555555555555"), subscribeBody), normalizer));

        // SUBSCRIBED first, then a HEARTBEAT at once and offers (in either order with a real master too)
        subscribe("SUBSCRIBE", info);
        awaitEvent("HEARTBEAT", "HEARTBEAT");
        JsonNode offer = stream.await("OFFERS", e -> e.path("type").asText().equals("OFFERS")).at("/offers/offers/0");
        learnAgent(offer);
        transcript.add("first offer", event(offer));

        malformedCalls(offerId(offer));

        // one ACCEPT: a command task, a task of a custom executor, and a task group on another executor
        ExecutorInfo e1 = executor("e1");
        ExecutorInfo e2 = executor("e2");
        TaskInfo cmd = task("cmd-1").setCommand(CommandInfo.newBuilder().setValue("sleep 300")).build();
        commandTasks.add("cmd-1");
        TaskInfo custom = task("exec-1").setExecutor(e1).setData(CommandInfo.newBuilder().setValue("sleep 300").build().toByteString())
                .build();
        TaskGroupInfo group = TaskGroupInfo.newBuilder()
                .addTasks(task("group-1").setCommand(CommandInfo.newBuilder().setValue("sleep 300")))
                .addTasks(task("group-2").setCommand(CommandInfo.newBuilder().setValue("sleep 300"))).build();
        call("ACCEPT", Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                .addOfferIds(offerId(offer))
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(cmd).addTaskInfos(custom)))
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
                        .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(e2).setTaskGroup(group)))));
        for (String task : List.of("cmd-1", "exec-1", "group-1", "group-2")) {
            awaitUpdate(task, "TASK_STARTING");
            awaitUpdate(task, "TASK_RUNNING");
        }

        // the offer is used: a task launched on it is lost
        call("ACCEPT of a used offer", Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                .addOfferIds(offerId(offer)).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(
                                task("lost-1").setCommand(CommandInfo.newBuilder().setValue("true")))))));
        awaitUpdate("lost-1", null);

        offerRound();
        reconcile();
        killAndShutdown(e1, e2);
        failoverAndTeardown(info);
    }

    private void malformedCalls(OfferID offer) throws Exception {
        Call.Builder decline = Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(offer));
        transcript.add("call without Mesos-Stream-Id", Wire.describe(send(decline.clone(), null), normalizer));
        transcript.add("call with another Mesos-Stream-Id",
                Wire.describe(send(decline.clone(), "11111111-2222-4333-8444-555555555555"), normalizer));
        transcript.add("call without framework_id", Wire.describe(Wire.post(scheduler, Wire.callHeaders(type, stream.streamId()),
                type.encode(decline.build())), normalizer));
        call("call of an unknown framework", decline.clone().setFrameworkId(FrameworkID.newBuilder().setValue("no-such-framework")));
        call("call without type", Call.newBuilder().setDecline(Call.Decline.newBuilder().addOfferIds(offer)));
        call("ACCEPT without accept", Call.newBuilder().setType(Call.Type.ACCEPT));
    }

    /** DECLINE with a filter, SUPPRESS and REVIVE: what is offered after them, and every answer. */
    private void offerRound() throws Exception {
        // the agent's rest comes in an offer once the ACCEPT's filter ends, or at once on REVIVE; an
        // offer that came before stays outstanding (and its resources are offered nowhere else)
        call("REVIVE", Call.newBuilder().setType(Call.Type.REVIVE));
        JsonNode offer = awaitEvent("OFFERS after REVIVE", "OFFERS").at("/offers/offers/0");
        Call.Builder decline = Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
                .addOfferIds(offerId(offer)).setFilters(Filters.newBuilder().setRefuseSeconds(3600)));
        call("DECLINE for an hour", decline.clone());
        call("DECLINE of a declined offer", decline.clone());
        call("SUPPRESS", Call.newBuilder().setType(Call.Type.SUPPRESS));
        call("REVIVE after SUPPRESS", Call.newBuilder().setType(Call.Type.REVIVE));
        awaitEvent("OFFERS after the second REVIVE", "OFFERS");
        // the offer is outstanding and every task runs: /state has nothing left to change
        transcript.add("/state", normalizer.json(StateView.of(Wire.JSON.readTree(
                Wire.get(java.net.URI.create(target.masterUrl() + "/state")).body()), frameworkId.getValue())));
    }

    private void reconcile() throws Exception {
        Call.Reconcile.Builder explicit = Call.Reconcile.newBuilder()
                .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(taskId("cmd-1")).setAgentId(agentId))
                .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(taskId("ghost-1")))
                .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(taskId("ghost-2")).setAgentId(agentId))
                .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(taskId("ghost-3"))
                        .setAgentId(AgentID.newBuilder().setValue("no-such-agent")));
        call("RECONCILE explicit", Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(explicit));
        for (String task : List.of("cmd-1", "ghost-1", "ghost-2", "ghost-3")) {
            awaitUpdate(task, null);
        }
        call("RECONCILE implicit", Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.getDefaultInstance()));
        // a master answers in the order of its own maps: compared task by task
        for (String task : List.of("cmd-1", "exec-1", "group-1", "group-2")) {
            awaitUpdate(task, "TASK_RUNNING");
        }
    }

    private void killAndShutdown(ExecutorInfo e1, ExecutorInfo e2) throws Exception {
        for (String task : List.of("cmd-1", "exec-1", "group-1")) {
            call("KILL " + task, Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
                    .setTaskId(taskId(task)).setAgentId(agentId)));
            awaitUpdate(task, "TASK_KILLED");
        }
        call("KILL of an unknown task", Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
                .setTaskId(taskId("ghost-4"))));
        awaitUpdate("ghost-4", null);
        for (ExecutorInfo executor : List.of(e1, e2)) {
            String id = executor.getExecutorId().getValue();
            call("SHUTDOWN " + id, Call.newBuilder().setType(Call.Type.SHUTDOWN).setShutdown(Call.Shutdown.newBuilder()
                    .setExecutorId(executor.getExecutorId()).setAgentId(agentId)));
            if (id.equals("e2")) {
                awaitUpdate("group-2", null);
            }
            JsonNode failure = stream.await("FAILURE of " + id, e -> e.path("type").asText().equals("FAILURE")
                    && e.at("/failure/executor_id/value").asText().equals(id));
            transcript.add("FAILURE " + id, event(failure));
        }
    }

    /** A second SUBSCRIBE fails the first stream over; TEARDOWN ends the new one. */
    private void failoverAndTeardown(FrameworkInfo info) throws Exception {
        Stream first = stream;
        subscribe("failover SUBSCRIBE", info.toBuilder().setId(frameworkId).build());
        awaitEvent("failover: HEARTBEAT", "HEARTBEAT");
        JsonNode error = first.await("ERROR on the old stream", e -> e.path("type").asText().equals("ERROR"));
        transcript.add("old stream: ERROR", event(error));
        recordUnawaited("old stream: events before its end", first.awaitEnd());
        transcript.add("call with the old stream's id", Wire.describe(send(Call.newBuilder().setType(Call.Type.REVIVE),
                first.streamId()), normalizer));
        first.close();

        call("TEARDOWN", Call.newBuilder().setType(Call.Type.TEARDOWN));
        recordUnawaited("events before the end of the stream", stream.awaitEnd());
        call("call after TEARDOWN", Call.newBuilder().setType(Call.Type.REVIVE));
    }

    private ExecutorInfo executor(String id) {
        // a task group's executor must carry the framework id and some disk; a long shutdown grace
        // period, so that on a busy machine the executor, not the agent, reports its tasks killed
        return ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(id)).setType(ExecutorInfo.Type.CUSTOM)
                .setFrameworkId(frameworkId).setCommand(CommandInfo.newBuilder().setValue(executorCommand))
                .setShutdownGracePeriod(org.apache.mesos.v1.Protos.DurationInfo.newBuilder().setNanoseconds(30_000_000_000L))
                .addResources(scalar("cpus", 0.05)).addResources(scalar("mem", 64)).addResources(scalar("disk", 16)).build();
    }

    private TaskInfo.Builder task(String id) {
        return TaskInfo.newBuilder().setName(id).setTaskId(taskId(id)).setAgentId(agentId)
                .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32));
    }
}
