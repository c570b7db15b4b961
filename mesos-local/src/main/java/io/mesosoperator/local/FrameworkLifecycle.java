package io.mesosoperator.local;

import io.mesosoperator.local.MasterState.FrameworkEntry;
import java.time.Duration;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A framework's life on the master: SUBSCRIBE (first registration, re-subscription, failover to a
 * new scheduler instance, re-registration after a master failover), its HEARTBEATs, the failover
 * timeout that runs while it is disconnected, and its removal (TEARDOWN or the timeout expired),
 * which shuts its executors down everywhere. Runs on the master's actor.
 */
final class FrameworkLifecycle {
    /** The master's logger: log filters know these messages by its name. */
    private static final Logger LOG = LoggerFactory.getLogger(LocalMaster.class);

    private final LocalMaster master;
    private final Actor actor;
    private final MasterState state;
    private final Allocator allocator;
    private final Duration heartbeatInterval;
    private int frameworkSeq;

    FrameworkLifecycle(LocalMaster master, Actor actor, MasterState state, Allocator allocator,
                       Duration heartbeatInterval) {
        this.master = master;
        this.actor = actor;
        this.state = state;
        this.allocator = allocator;
        this.heartbeatInterval = heartbeatInterval;
    }

    /** SUBSCRIBE on a new stream; the framework's id, or null when the FrameworkInfo was refused. */
    String subscribe(Call call, EventStream stream) {
        FrameworkInfo requested = call.getSubscribe().getFrameworkInfo();
        String error = validateFrameworkInfo(requested);
        if (error != null) {
            // validation failures arrive as an ERROR event on a 200 stream that is then closed
            stream.send(Event.newBuilder().setType(Event.Type.ERROR)
                    .setError(Event.Error.newBuilder().setMessage(error)).build());
            stream.close();
            return null;
        }
        FrameworkEntry fw;
        if (requested.hasId()) {
            fw = state.frameworks.get(requested.getId().getValue());
            if (fw == null) {
                // unknown id: a framework re-subscribing after master failover keeps its id
                fw = new FrameworkEntry();
                fw.id = requested.getId();
                state.frameworks.put(fw.id.getValue(), fw);
                LOG.info("framework {} ({}) re-registered after master failover", fw.id.getValue(), requested.getName());
            } else {
                LOG.info("framework {} ({}) re-subscribed", fw.id.getValue(), requested.getName());
            }
        } else {
            fw = new FrameworkEntry();
            fw.id = FrameworkID.newBuilder().setValue(master.id() + String.format("-%04d", frameworkSeq++)).build();
            state.frameworks.put(fw.id.getValue(), fw);
            LOG.info("framework {} ({}) registered", fw.id.getValue(), requested.getName());
        }
        if (fw.stream != null && fw.stream != stream) {
            fw.stream.send(Event.newBuilder().setType(Event.Type.ERROR)
                    .setError(Event.Error.newBuilder().setMessage("Framework failed over")).build());
            fw.stream.close();
        }
        if (fw.failoverTimer != null) {
            fw.failoverTimer.cancel(false);
            fw.failoverTimer = null;
        }
        if (fw.heartbeat != null) {
            fw.heartbeat.cancel(false);
        }
        state.rescindOffers(fw, o -> true, false);
        fw.info = requested.toBuilder().setId(fw.id).build();
        fw.stream = stream;
        allocator.subscribed(fw.id.getValue(), !call.getSubscribe().getSuppressedRolesList().isEmpty());
        stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder()
                        .setFrameworkId(fw.id)
                        .setHeartbeatIntervalSeconds(heartbeatInterval.toMillis() / 1000.0)
                        .setMasterInfo(master.info()))
                .build());
        // the first HEARTBEAT goes out at once, then one every interval
        Event heartbeat = Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
        stream.send(heartbeat);
        fw.heartbeat = actor.every(heartbeatInterval.toMillis(), () -> stream.send(heartbeat));
        return fw.id.getValue();
    }

    private static String validateFrameworkInfo(FrameworkInfo info) {
        if (info.getRolesCount() > 0 && info.getCapabilitiesList().stream()
                .noneMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE)) {
            return "'FrameworkInfo.roles' is set but the MULTI_ROLE capability is not";
        }
        return null;
    }

    /** The subscription stream went away: the framework may come back within its failover timeout. */
    void disconnected(String frameworkId, EventStream stream) {
        FrameworkEntry fw = frameworkId == null ? null : state.frameworks.get(frameworkId);
        if (fw == null || fw.stream != stream) {
            return;
        }
        LOG.info("framework {} disconnected; failover timeout {}s", frameworkId, fw.info.getFailoverTimeout());
        fw.stream = null;
        if (fw.heartbeat != null) {
            fw.heartbeat.cancel(false);
        }
        state.rescindOffers(fw, o -> true, false);
        long timeoutMs = (long) (fw.info.getFailoverTimeout() * 1000);
        fw.failoverTimer = actor.delay(timeoutMs, () -> {
            if (fw.stream == null) {
                remove(fw, "failover timeout of " + fw.info.getFailoverTimeout() + "s expired");
            }
        });
    }

    /** The framework is gone for good: its offers, tasks and executors with it. */
    void remove(FrameworkEntry fw, String why) {
        LOG.info("removing framework {}: {}", fw.id.getValue(), why);
        state.frameworks.remove(fw.id.getValue());
        allocator.removeFramework(fw.id.getValue());
        if (fw.heartbeat != null) {
            fw.heartbeat.cancel(false);
        }
        state.rescindOffers(fw, o -> true, false);
        if (fw.stream != null) {
            fw.stream.close();
        }
        state.agents.values().forEach(a -> a.agent().shutdownFramework(fw.id.getValue()));
        state.tasks.values().removeIf(t -> t.frameworkId.equals(fw.id.getValue()));
        state.executors.removeFramework(fw.id.getValue());
    }

    /** Ends every subscription stream (fault injection, and the master's shutdown). */
    void closeStreams() {
        state.frameworks.values().forEach(fw -> {
            if (fw.stream != null) {
                fw.stream.close();
            }
        });
    }

    /** The current streams stay open but carry nothing more, not even HEARTBEATs (fault injection). */
    void muteStreams() {
        state.frameworks.values().forEach(fw -> {
            if (fw.stream != null) {
                fw.stream.mute();
            }
        });
    }
}
