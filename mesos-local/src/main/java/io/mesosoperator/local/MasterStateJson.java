package io.mesosoperator.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.local.MasterState.AgentEntry;
import io.mesosoperator.local.MasterState.FrameworkEntry;
import io.mesosoperator.local.MasterState.OfferEntry;
import io.mesosoperator.local.MasterState.TaskEntry;
import io.mesosoperator.mesos.TaskStates;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.TaskState;

/**
 * The master's read endpoints. GET /state in the shape Mesos tools read (field names and resource
 * objects as in mesos-transcripts/state.json, in its order): frameworks with their tasks and
 * statuses, agents with total, used, offered, reserved and unreserved resources. Fields mesos-local
 * has no notion of are left out. Numbers print as a master prints them (counts of agents are
 * doubles; see {@link JsonNodes}). GET /metrics/snapshot with the few gauges /state does not tell.
 * Runs on the master's actor.
 */
final class MasterStateJson {
    private final ObjectMapper json = new ObjectMapper();
    private final LocalMaster master;
    private final MasterState state;
    private final Allocator allocator;
    private final double startTime = LocalMaster.now();

    MasterStateJson(LocalMaster master, MasterState state, Allocator allocator) {
        this.master = master;
        this.state = state;
        this.allocator = allocator;
    }

    /** GET /state. */
    String state(double electedTime) {
        Map<String, Resources> used = new LinkedHashMap<>();
        Map<String, Resources> offered = new LinkedHashMap<>();
        for (TaskEntry t : state.tasks.values()) {
            if (!TaskStates.isTerminal(t.state)) {
                used.merge(t.agentId, t.resources, Resources::plus);
                used.merge("fw:" + t.frameworkId, t.resources, Resources::plus);
            }
        }
        state.executors.forEach((agentId, frameworkId, res) -> {
            used.merge(agentId, res, Resources::plus);
            used.merge("fw:" + frameworkId, res, Resources::plus);
        });
        for (OfferEntry o : state.offers.values()) {
            offered.merge(o.agentId(), o.resources(), Resources::plus);
            offered.merge("fw:" + o.frameworkId(), o.resources(), Resources::plus);
        }
        return render(state.frameworks.values(), state.agents.values(), state.tasks.values(),
                state.offers.values(), state.unreachable, used, offered, electedTime);
    }

    /**
     * {@code GET /metrics/snapshot}: the few of a real master's gauges that tell what /state does
     * not, named as Mesos names them. A real master's /state has no field for suppressed roles;
     * its per-framework metric {@code master/frameworks/<name>/<id>/roles/<role>/suppressed} does.
     */
    String metricsSnapshot() {
        ObjectNode m = json.createObjectNode();
        m.put("master/elected", 1.0);
        m.put("master/frameworks_active", (double) state.frameworks.values().stream().filter(f -> f.stream != null).count());
        m.put("master/slaves_active", (double) state.agents.keySet().stream().filter(id -> !state.unreachable.containsKey(id)).count());
        m.put("master/tasks_running", (double) state.tasks.values().stream().filter(t -> t.state == TaskState.TASK_RUNNING).count());
        for (FrameworkEntry fw : state.frameworks.values()) {
            String role = fw.role().isEmpty() ? "*" : fw.role();
            m.put("master/frameworks/" + fw.info.getName() + "/" + fw.id.getValue() + "/roles/" + role + "/suppressed",
                    allocator.suppressed(fw.id.getValue()) ? 1.0 : 0.0);
        }
        return JsonNodes.print(m);
    }

    private String render(Collection<FrameworkEntry> frameworks, Collection<AgentEntry> agents,
                          Collection<TaskEntry> tasks, Collection<OfferEntry> offers, Map<String, Double> unreachable,
                          Map<String, Resources> used, Map<String, Resources> offered, double electedTime) {
        ObjectNode root = json.createObjectNode();
        root.put("version", LocalMaster.VERSION);
        root.put("start_time", startTime);
        if (master.isLeading()) {
            root.put("elected_time", electedTime);
        }
        root.put("id", master.id());
        root.put("pid", master.info().getPid());
        root.put("hostname", master.info().getHostname());
        // the master's metrics-backed counts are doubles
        root.put("activated_slaves", (double) (agents.size() - unreachable.size()));
        root.put("deactivated_slaves", 0.0);
        root.put("unreachable_slaves", (double) unreachable.size());
        if (master.isLeading()) {
            root.put("leader", master.info().getPid());
            root.putObject("leader_info").put("id", master.id()).put("pid", master.info().getPid())
                    .put("port", master.info().getPort()).put("hostname", master.info().getHostname());
        }
        root.putObject("flags").put("allocation_interval", "mesos-local");
        ArrayNode slaves = root.putArray("slaves");
        for (AgentEntry agent : agents) {
            String id = agent.id().getValue();
            ObjectNode a = slaves.addObject();
            a.put("id", id);
            a.put("hostname", agent.hostname());
            a.put("port", agent.port());
            ObjectNode attributes = a.putObject("attributes");
            for (Attribute attr : agent.agent().attributes()) {
                attributes.set(attr.getName(), AgentAttributes.stateValue(attr));
            }
            a.put("pid", "slave(1)@" + agent.hostname() + ":" + agent.port());
            a.set("resources", resources(agent.total()));
            a.set("used_resources", resources(used.getOrDefault(id, Resources.empty())));
            a.set("offered_resources", resources(offered.getOrDefault(id, Resources.empty())));
            ObjectNode reserved = a.putObject("reserved_resources");
            agent.total().byRole().forEach((role, res) -> {
                if (!role.equals("*")) {
                    reserved.set(role, resources(res));
                }
            });
            a.set("unreserved_resources", resources(agent.total().byRole().getOrDefault("*", Resources.empty())));
            a.put("active", !unreachable.containsKey(id));
            a.put("deactivated", false);
            a.put("version", LocalMaster.VERSION);
        }
        root.putArray("recovered_slaves");
        ArrayNode fws = root.putArray("frameworks");
        for (FrameworkEntry fw : frameworks) {
            String fid = fw.id.getValue();
            ObjectNode f = fws.addObject();
            String role = fw.role().isEmpty() ? "*" : fw.role();
            f.put("id", fid);
            f.put("name", fw.info.getName());
            f.set("used_resources", resources(used.getOrDefault("fw:" + fid, Resources.empty())));
            f.set("offered_resources", resources(offered.getOrDefault("fw:" + fid, Resources.empty())));
            ArrayNode capabilities = f.putArray("capabilities");
            fw.info.getCapabilitiesList().forEach(c -> capabilities.add(c.getType().name()));
            f.put("hostname", fw.info.getHostname());
            f.put("webui_url", fw.info.getWebuiUrl());
            f.put("active", fw.stream != null);
            f.put("connected", fw.stream != null);
            f.put("recovered", false);
            f.put("user", fw.info.getUser());
            f.put("failover_timeout", fw.info.getFailoverTimeout());
            f.put("checkpoint", fw.info.getCheckpoint());
            f.put("role", role);
            ArrayNode active = f.putArray("tasks");
            ArrayNode unreachableTasks = f.putArray("unreachable_tasks");
            ArrayNode completed = f.putArray("completed_tasks");
            for (TaskEntry t : tasks) {
                if (!t.frameworkId.equals(fid)) {
                    continue;
                }
                ArrayNode list = TaskStates.isTerminal(t.state) ? completed
                        : unreachable.containsKey(t.agentId) ? unreachableTasks : active;
                ObjectNode n = list.addObject();
                n.put("id", t.task.getTaskId().getValue());
                n.put("name", t.task.getName());
                n.put("framework_id", t.frameworkId);
                n.put("executor_id", t.task.hasExecutor() ? t.task.getExecutor().getExecutorId().getValue() : "");
                n.put("slave_id", t.agentId);
                n.put("state", t.state.name());
                n.set("resources", resources(t.resources));
                n.put("role", role);
                ArrayNode statuses = n.putArray("statuses");
                for (org.apache.mesos.v1.Protos.TaskStatus st : t.statuses) {
                    // common/http.cpp json(TaskStatus): the container's status without the executor's pid
                    ObjectNode status = statuses.addObject().put("state", st.getState().name()).put("timestamp", st.getTimestamp());
                    if (st.hasLabels()) {
                        status.set("labels", JsonNodes.of(st.getLabels()).path("labels"));
                    }
                    if (st.hasContainerStatus()) {
                        status.set("container_status", JsonNodes.of(st.getContainerStatus().toBuilder().clearExecutorPid()));
                    }
                    if (st.hasHealthy()) {
                        status.put("healthy", st.getHealthy());
                    }
                }
                if (t.task.hasLabels()) {
                    n.set("labels", JsonNodes.of(t.task.getLabels()).path("labels"));
                }
            }
            ArrayNode offerList = f.putArray("offers");
            for (OfferEntry o : offers) {
                if (o.frameworkId().equals(fid)) {
                    ObjectNode offer = offerList.addObject().put("id", o.offer().getId().getValue()).put("framework_id", fid);
                    offer.putObject("allocation_info").put("role", role);
                    offer.put("slave_id", o.agentId()).set("resources", resources(o.resources()));
                }
            }
        }
        root.putArray("completed_frameworks");
        root.putArray("orphan_tasks");
        root.putArray("unregistered_frameworks");
        return JsonNodes.print(root);
    }

    /** {"disk":..,"mem":..,"gpus":..,"cpus":..,"ports":"[31000-32000]"} as Mesos prints resources. */
    private ObjectNode resources(Resources r) {
        ObjectNode n = json.createObjectNode();
        n.put("disk", r.total("disk"));
        n.put("mem", r.total("mem"));
        n.put("gpus", r.total("gpus"));
        n.put("cpus", r.total("cpus"));
        String ports = r.portsText();
        if (!ports.isEmpty()) {
            n.put("ports", ports);
        }
        return n;
    }
}
