package io.mesosoperator.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.mesosoperator.mesos.ContentType;
import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A scheduler's side of a scripted session against one cluster, writing what the cluster answered
 * into a {@link Transcript}: the plumbing both scripts share (subscribing, calls, updates and
 * their acknowledgements, learning the ids to normalize).
 */
abstract class Session {
    /** One cluster to run against: where its master is, and the agent's work directory. */
    record Target(String side, String masterUrl, Path agentWorkDir) {}

    final Target target;
    final ContentType type;
    final Transcript transcript;
    final Normalizer normalizer = new Normalizer();
    final URI scheduler;
    Stream stream;
    /** Tasks run by Mesos' command executor. */
    final Set<String> commandTasks = new HashSet<>();
    FrameworkID frameworkId;
    AgentID agentId;
    String agentUrl;

    Session(Target target, ContentType type) {
        this.target = target;
        this.type = type;
        this.transcript = new Transcript(target.side());
        this.scheduler = URI.create(target.masterUrl() + "/api/v1/scheduler");
        normalizer.learn(target.agentWorkDir().toString(), "<work-dir>");
    }

    static FrameworkInfo framework(String name) {
        return FrameworkInfo.newBuilder().setUser("root").setName(name).setFailoverTimeout(60).build();
    }

    static Call.Builder subscribeCall(FrameworkInfo info) {
        Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
        return info.hasId() ? call.setFrameworkId(info.getId()) : call;
    }

    /** SUBSCRIBE and the first event, SUBSCRIBED, from which the master's and the framework's ids are learned. */
    Stream subscribe(String label, FrameworkInfo info) throws Exception {
        Stream s = Stream.open(scheduler, Wire.callHeaders(type, null), type.encode(subscribeCall(info).build()), type,
                Event::newBuilder);
        JsonNode subscribed = s.next();
        JsonNode master = subscribed.path("subscribed").path("master_info");
        normalizer.learn(subscribed.at("/subscribed/framework_id/value").asText(), "<framework>")
                .learn(master.path("id").asText(), "<master>")
                .masterPort(master.path("port").asLong());
        frameworkId = FrameworkID.newBuilder().setValue(subscribed.at("/subscribed/framework_id/value").asText()).build();
        transcript.add(label + ": answer", Wire.describe(s.response().statusCode(), s.response().headers(), null, normalizer));
        transcript.add(label + ": first event", event(subscribed));
        stream = s;
        return s;
    }

    /** Learns the agent (id, port, task ports) from an offer. */
    void learnAgent(JsonNode offer) {
        agentId = AgentID.newBuilder().setValue(offer.at("/agent_id/value").asText()).build();
        JsonNode address = offer.at("/url/address");
        agentUrl = "http://" + address.path("ip").asText() + ":" + address.path("port").asLong();
        normalizer.learn(agentId.getValue(), "<agent>").agentPort(address.path("port").asLong());
        for (JsonNode resource : offer.path("resources")) {
            if (resource.path("name").asText().equals("ports")) {
                JsonNode range = resource.at("/ranges/range/0");
                normalizer.ports(range.path("begin").asLong(), range.path("end").asLong());
            }
        }
    }

    JsonNode event(JsonNode raw) {
        return normalizer.json(stripQuotaV2(raw));
    }

    /**
     * Deliberate difference (docs/mesos-compatibility.md, "Differs"): a 1.12 master lists the
     * QUOTA_V2 capability, which the 1.11 protobufs mesos-local is built on do not have. Dropped
     * from the real side's master_info (decoded from protobuf it is an empty capability).
     */
    private static JsonNode stripQuotaV2(JsonNode raw) {
        JsonNode copy = raw.deepCopy();
        if (copy.at("/subscribed/master_info/capabilities") instanceof ArrayNode list) {
            for (int i = list.size() - 1; i >= 0; i--) {
                String t = list.get(i).path("type").asText("");
                if (t.isEmpty() || t.equals("QUOTA_V2")) {
                    list.remove(i);
                }
            }
        }
        return copy;
    }

    /** A call on the current stream, its answer recorded under {@code label}. */
    Wire.Answer call(String label, Call.Builder call) throws Exception {
        Wire.Answer answer = send(call, stream.streamId());
        transcript.add(label, Wire.describe(answer, normalizer));
        return answer;
    }

    Wire.Answer send(Call.Builder call, String streamId) throws Exception {
        if (!call.hasFrameworkId() && frameworkId != null) {
            call.setFrameworkId(frameworkId);
        }
        return Wire.post(scheduler, Wire.callHeaders(type, streamId), type.encode(call.build()));
    }

    /** Records the awaited event; every update with a uuid is then acknowledged (and that answer recorded). */
    JsonNode awaitUpdate(String taskId, String state) throws Exception {
        JsonNode update = stream.await("UPDATE " + state + " of " + taskId, e -> e.path("type").asText().equals("UPDATE")
                && e.at("/update/status/task_id/value").asText().equals(taskId)
                && (state == null || e.at("/update/status/state").asText().equals(state)));
        JsonNode status = update.at("/update/status");
        JsonNode recorded = event(update);
        if (commandTasks.contains(taskId) && recorded.at("/update/status/container_status") instanceof ObjectNode container) {
            // Deliberate difference (docs/mesos-compatibility.md, "Differs"): mesos-local's command
            // executor runs inside the agent's JVM, so its container has no executor process to name
            container.remove("executor_pid");
        }
        transcript.add("UPDATE " + taskId + " " + status.path("state").asText(), recorded);
        if (status.has("uuid")) {
            call("ACKNOWLEDGE " + taskId + " " + status.path("state").asText(), Call.newBuilder().setType(Call.Type.ACKNOWLEDGE)
                    .setAcknowledge(Call.Acknowledge.newBuilder()
                            .setAgentId(AgentID.newBuilder().setValue(status.at("/agent_id/value").asText()))
                            .setTaskId(TaskID.newBuilder().setValue(taskId))
                            .setUuid(ByteString.copyFrom(Base64.getDecoder().decode(status.path("uuid").asText())))));
        }
        return update;
    }

    JsonNode awaitEvent(String label, String eventType) throws Exception {
        JsonNode e = stream.await(eventType, r -> r.path("type").asText().equals(eventType));
        transcript.add(label, event(e));
        return e;
    }

    /** Every event that came and was not awaited but HEARTBEATs and OFFERS, whose number depends on timing. */
    void recordUnawaited(String label, List<JsonNode> events) {
        ArrayNode out = Wire.JSON.createArrayNode();
        events.stream().filter(e -> !List.of("HEARTBEAT", "OFFERS").contains(e.path("type").asText()))
                .map(this::event).sorted(Comparator.comparing(JsonNode::toString)).forEach(out::add);
        transcript.add(label, out);
    }

    static OfferID offerId(JsonNode offer) {
        return OfferID.newBuilder().setValue(offer.at("/id/value").asText()).build();
    }

    static Resource scalar(String name, double value) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }

    static TaskID taskId(String id) {
        return TaskID.newBuilder().setValue(id).build();
    }
}
