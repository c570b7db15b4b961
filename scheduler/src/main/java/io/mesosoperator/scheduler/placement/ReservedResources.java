package io.mesosoperator.scheduler.placement;

import io.mesosoperator.scheduler.store.ReservationRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.Protos.Volume;

/**
 * The Resource messages of a stateful instance's reservation and volume (pre-refinement format:
 * `role` + `reservation{principal, labels}`), and what an offer holds of them. Reservations carry
 * labels naming the instance, which is how they are recognized in later offers
 * (docs/reservation.md: "reservations carry no ID").
 */
public final class ReservedResources {
    public static final String FRAMEWORK_LABEL = "mesos-operator.io/framework";
    public static final String RESOURCE_LABEL = TaskFactory.RESOURCE_LABEL;
    public static final String INSTANCE_LABEL = TaskFactory.INSTANCE_LABEL;
    /** Each reservation names its volume, so an instance's old and new reservations never merge. */
    public static final String VOLUME_LABEL = "mesos-operator.io/volume";

    private ReservedResources() {}

    public static Labels labels(ReservationRecord r, String framework) {
        return Labels.newBuilder()
                .addLabels(Label.newBuilder().setKey(FRAMEWORK_LABEL).setValue(framework))
                .addLabels(Label.newBuilder().setKey(RESOURCE_LABEL).setValue(r.resource()))
                .addLabels(Label.newBuilder().setKey(INSTANCE_LABEL).setValue(Integer.toString(r.instance())))
                .addLabels(Label.newBuilder().setKey(VOLUME_LABEL).setValue(r.persistenceId()))
                .build();
    }

    public static Resource reserved(String name, double amount, ReservationRecord r, String framework) {
        Resource.ReservationInfo.Builder reservation = Resource.ReservationInfo.newBuilder().setLabels(labels(r, framework));
        if (r.principal() != null) {
            reservation.setPrincipal(r.principal());
        }
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(amount)).setRole(r.role()).setReservation(reservation).build();
    }

    /** The reserved cpus, mem and disk a RESERVE asks for. */
    public static List<Resource> toReserve(ReservationRecord r, String framework) {
        return List.of(reserved("cpus", r.cpus(), r, framework), reserved("mem", r.mem(), r, framework),
                reserved("disk", r.diskMb(), r, framework));
    }

    public static Resource volume(ReservationRecord r, String framework) {
        Resource.DiskInfo.Persistence.Builder persistence = Resource.DiskInfo.Persistence.newBuilder().setId(r.persistenceId());
        if (r.principal() != null) {
            persistence.setPrincipal(r.principal());
        }
        return reserved("disk", r.diskMb(), r, framework).toBuilder()
                .setDisk(Resource.DiskInfo.newBuilder().setPersistence(persistence)
                        .setVolume(Volume.newBuilder().setContainerPath(r.containerPath()).setMode(Volume.Mode.RW)))
                .build();
    }

    /** What an offer holds that was reserved by this framework, per reservation (see {@link #key}). */
    public record Held(String resource, int instance, String persistenceId, double cpus, double mem, double disk,
                       Resource volume, List<Resource> resources) {}

    /** How {@link #held} keys a reservation: resource, instance and volume. */
    public static String key(ReservationRecord r) {
        return r.resource() + "#" + r.instance() + "#" + r.persistenceId();
    }

    public static Map<String, Held> held(Offer offer, String framework) {
        Map<String, Held> out = new java.util.LinkedHashMap<>();
        for (Resource res : offer.getResourcesList()) {
            Optional<Map<String, String>> labels = ours(res, framework);
            if (labels.isEmpty()) {
                continue;
            }
            String resource = labels.get().get(RESOURCE_LABEL);
            int instance = Integer.parseInt(labels.get().getOrDefault(INSTANCE_LABEL, "-1"));
            String volumeId = labels.get().getOrDefault(VOLUME_LABEL, "");
            String key = resource + "#" + instance + "#" + volumeId;
            Held h = out.getOrDefault(key, new Held(resource, instance, volumeId, 0, 0, 0, null, List.of()));
            List<Resource> all = new java.util.ArrayList<>(h.resources());
            all.add(res);
            double v = res.getScalar().getValue();
            boolean volume = res.hasDisk() && res.getDisk().hasPersistence();
            out.put(key, new Held(resource, instance, volumeId,
                    h.cpus() + (res.getName().equals("cpus") ? v : 0),
                    h.mem() + (res.getName().equals("mem") ? v : 0),
                    h.disk() + (res.getName().equals("disk") && !volume ? v : 0),
                    volume ? res : h.volume(), all));
        }
        return out;
    }

    private static Optional<Map<String, String>> ours(Resource res, String framework) {
        if (!res.hasReservation() || !res.getReservation().hasLabels()) {
            return Optional.empty();
        }
        Map<String, String> labels = new java.util.HashMap<>();
        res.getReservation().getLabels().getLabelsList().forEach(l -> labels.put(l.getKey(), l.getValue()));
        return framework.equals(labels.get(FRAMEWORK_LABEL)) && labels.containsKey(RESOURCE_LABEL)
                ? Optional.of(labels) : Optional.empty();
    }
}
