package io.mesosoperator.local;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * Agent resources as the master accounts for them: scalars (cpus, mem, disk, gpus) in slots that
 * tell unreserved ("*") from dynamically reserved (role, principal, labels) and plain reserved disk
 * from persistent volumes (persistence id, container path); and the unreserved ports range set.
 * Uses the pre-refinement reservation format (`role` + `reservation`), as frameworks without the
 * RESERVATION_REFINEMENT capability see it (mesos.proto "Resource Format"). Immutable.
 */
final class Resources {
    private static final double EPSILON = 1e-6;

    /** Where a scalar amount lives. Unreserved slots have role "*" and nothing else. */
    record Slot(String name, String role, String principal, String labels, String persistenceId, String containerPath) {
        static Slot unreserved(String name) {
            return new Slot(name, "*", "", "", "", "");
        }

        boolean reserved() {
            return !role.equals("*");
        }

        boolean volume() {
            return !persistenceId.isEmpty();
        }

        /** The same amount without its persistence: the reserved disk a volume is created on. */
        Slot withoutVolume() {
            return new Slot(name, role, principal, labels, "", "");
        }

        /** The same amount unreserved: what a reservation is taken from. */
        Slot asUnreserved() {
            return unreserved(name);
        }
    }

    private static final Comparator<Slot> ORDER = Comparator.comparing(Slot::role).thenComparing(Slot::labels)
            .thenComparing(Slot::persistenceId).thenComparing(Slot::name);

    private final Map<Slot, Double> scalars;
    private final List<long[]> ports; // unreserved, sorted, disjoint [begin, end] ranges

    private Resources(Map<Slot, Double> scalars, List<long[]> ports) {
        this.scalars = scalars;
        this.ports = ports;
    }

    static Resources empty() {
        return new Resources(new TreeMap<>(ORDER), List.of());
    }

    static Resources of(double cpus, double memMb, double diskMb, long portsBegin, long portsEnd) {
        Map<Slot, Double> s = new TreeMap<>(ORDER);
        s.put(Slot.unreserved("cpus"), cpus);
        s.put(Slot.unreserved("mem"), memMb);
        s.put(Slot.unreserved("disk"), diskMb);
        return new Resources(s, portsEnd >= portsBegin ? List.of(new long[] {portsBegin, portsEnd}) : List.of());
    }

    static Resources from(List<Resource> resources) {
        Map<Slot, Double> s = new TreeMap<>(ORDER);
        List<long[]> p = new ArrayList<>();
        for (Resource resource : resources) {
            if (resource.getType() == Value.Type.SCALAR) {
                s.merge(slotOf(resource), resource.getScalar().getValue(), Double::sum);
            } else if (resource.getType() == Value.Type.RANGES && resource.getName().equals("ports")) {
                resource.getRanges().getRangeList().forEach(x -> p.add(new long[] {x.getBegin(), x.getEnd()}));
            }
        }
        return new Resources(s, normalize(p));
    }

    static Slot slotOf(Resource r) {
        String role = r.getReservationsCount() > 0 ? r.getReservations(r.getReservationsCount() - 1).getRole()
                : r.hasRole() ? r.getRole() : "*";
        String principal = "";
        Labels labels = Labels.getDefaultInstance();
        if (r.hasReservation()) {
            principal = r.getReservation().getPrincipal();
            labels = r.getReservation().getLabels();
        } else if (r.getReservationsCount() > 0) {
            principal = r.getReservations(r.getReservationsCount() - 1).getPrincipal();
            labels = r.getReservations(r.getReservationsCount() - 1).getLabels();
        }
        String persistence = r.hasDisk() && r.getDisk().hasPersistence() ? r.getDisk().getPersistence().getId() : "";
        String path = r.hasDisk() && r.getDisk().hasVolume() ? r.getDisk().getVolume().getContainerPath() : "";
        return new Slot(r.getName(), role, principal, canonical(labels), persistence, path);
    }

    private static String canonical(Labels labels) {
        return labels.getLabelsList().stream().map(l -> l.getKey() + "=" + l.getValue()).sorted()
                .collect(Collectors.joining(";"));
    }

    /** Unreserved amount of a resource. */
    double scalar(String name) {
        return scalars.getOrDefault(Slot.unreserved(name), 0.0);
    }

    /** All of a resource, whatever its reservation. */
    double total(String name) {
        return round(scalars.entrySet().stream().filter(e -> e.getKey().name().equals(name))
                .mapToDouble(Map.Entry::getValue).sum());
    }

    /** Whether any of a scalar resource is there, reserved or not (a zero amount counts). */
    boolean has(String name) {
        return scalars.keySet().stream().anyMatch(slot -> slot.name().equals(name));
    }

    /** "[31000-31999, 32005-32005]", or "" without ports. */
    String portsText() {
        return ports.isEmpty() ? "" : ports.stream().map(r -> r[0] + "-" + r[1])
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** The scalars split by role ("*" for unreserved). */
    Map<String, Resources> byRole() {
        Map<String, Resources> out = new TreeMap<>();
        scalars.forEach((slot, v) -> {
            Map<Slot, Double> one = new TreeMap<>(ORDER);
            one.put(slot, v);
            out.merge(slot.role(), new Resources(one, List.of()), Resources::plus);
        });
        if (!ports.isEmpty()) {
            out.merge("*", new Resources(new TreeMap<>(ORDER), ports), Resources::plus);
        }
        return out;
    }

    double amount(Slot slot) {
        return scalars.getOrDefault(slot, 0.0);
    }

    /** The volumes held here (slots with a persistence id). */
    List<Slot> volumes() {
        return scalars.keySet().stream().filter(Slot::volume).toList();
    }

    Resources plus(Resources other) {
        Map<Slot, Double> s = new TreeMap<>(ORDER);
        s.putAll(scalars);
        other.scalars.forEach((k, v) -> s.merge(k, v, Double::sum));
        List<long[]> p = new ArrayList<>(ports);
        p.addAll(other.ports);
        return new Resources(s, normalize(p));
    }

    Resources minus(Resources other) {
        Map<Slot, Double> s = new TreeMap<>(ORDER);
        s.putAll(scalars);
        other.scalars.forEach((k, v) -> s.merge(k, -v, Double::sum));
        s.entrySet().removeIf(e -> Math.abs(e.getValue()) < EPSILON);
        List<long[]> p = new ArrayList<>();
        for (long[] range : ports) {
            List<long[]> pieces = List.of(range);
            for (long[] cut : other.ports) {
                List<long[]> next = new ArrayList<>();
                for (long[] piece : pieces) {
                    if (cut[1] < piece[0] || cut[0] > piece[1]) {
                        next.add(piece);
                        continue;
                    }
                    if (cut[0] > piece[0]) {
                        next.add(new long[] {piece[0], cut[0] - 1});
                    }
                    if (cut[1] < piece[1]) {
                        next.add(new long[] {cut[1] + 1, piece[1]});
                    }
                }
                pieces = next;
            }
            p.addAll(pieces);
        }
        return new Resources(s, normalize(p));
    }

    /** True when every slot's amount and every port of {@code other} is available here. */
    boolean contains(Resources other) {
        for (Map.Entry<Slot, Double> e : other.scalars.entrySet()) {
            if (e.getValue() > amount(e.getKey()) + EPSILON) {
                return false;
            }
        }
        for (long[] wanted : other.ports) {
            boolean covered = ports.stream().anyMatch(have -> have[0] <= wanted[0] && have[1] >= wanted[1]);
            if (!covered) {
                return false;
            }
        }
        return true;
    }

    /** What a framework of {@code role} may be offered: unreserved, and what is reserved for its role. */
    Resources offerableTo(String role) {
        Map<Slot, Double> s = new TreeMap<>(ORDER);
        scalars.forEach((k, v) -> {
            if (!k.reserved() || k.role().equals(role)) {
                s.put(k, v);
            }
        });
        return new Resources(s, ports);
    }

    /** Mesos' minimum allocatable unit: 0.01 cpus or 32 MB of memory (src/master/constants.hpp). */
    boolean allocatable() {
        double cpus = 0;
        double mem = 0;
        for (Map.Entry<Slot, Double> e : scalars.entrySet()) {
            cpus += e.getKey().name().equals("cpus") ? e.getValue() : 0;
            mem += e.getKey().name().equals("mem") ? e.getValue() : 0;
        }
        return cpus >= 0.01 || mem >= 32 || !volumes().isEmpty();
    }

    /**
     * As Resource messages. Offers (asAllocation false) carry `role` (and the reservation) but no
     * allocation_info; what a framework was given (executor resources in SUBSCRIBED) carries only
     * allocation_info for unreserved resources: so a real 1.12 master sends them to a framework
     * without MULTI_ROLE (mesos-transcripts/README.md fact 13).
     */
    List<Resource> toProtos(String allocationRole, boolean asAllocation) {
        List<Resource> out = new ArrayList<>();
        if (!ports.isEmpty()) {
            Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
            ports.forEach(r -> ranges.addRange(Value.Range.newBuilder().setBegin(r[0]).setEnd(r[1])));
            out.add(decorate(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRanges(ranges),
                    Slot.unreserved("ports"), allocationRole, asAllocation));
        }
        List<Slot> slots = new ArrayList<>(scalars.keySet());
        slots.sort(Comparator.comparing((Slot s) -> List.of("cpus", "mem", "disk", "gpus").indexOf(s.name()))
                .thenComparing(ORDER));
        for (Slot slot : slots) {
            double v = scalars.get(slot);
            if (v > EPSILON) {
                out.add(decorate(Resource.newBuilder().setName(slot.name()).setType(Value.Type.SCALAR)
                        .setScalar(Value.Scalar.newBuilder().setValue(round(v))), slot, allocationRole, asAllocation));
            }
        }
        return out;
    }

    /**
     * Resources in the "post-reservation-refinement" format that frameworks with the
     * RESERVATION_REFINEMENT capability get (common/resources_utils.cpp upgradeResource): no
     * {@code role}; a reserved resource's role and reservation move into {@code reservations}
     * (DYNAMIC when it was reserved by an operation, STATIC otherwise). Mesos' own C++ library
     * refuses a resource that still has a role.
     */
    static List<Resource> refined(List<Resource> resources) {
        List<Resource> out = new ArrayList<>();
        for (Resource r : resources) {
            Resource.Builder b = r.toBuilder().clearRole().clearReservation();
            if (r.hasRole() && !r.getRole().equals("*")) {
                Resource.ReservationInfo.Builder reservation = r.hasReservation()
                        ? r.getReservation().toBuilder().setType(Resource.ReservationInfo.Type.DYNAMIC)
                        : Resource.ReservationInfo.newBuilder().setType(Resource.ReservationInfo.Type.STATIC);
                b.addReservations(reservation.setRole(r.getRole()));
            }
            out.add(b.build());
        }
        return out;
    }

    private static Resource decorate(Resource.Builder b, Slot slot, String allocationRole, boolean asAllocation) {
        if (asAllocation) {
            b.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(allocationRole));
        } else {
            b.setRole(slot.role());
        }
        if (slot.reserved()) {
            if (asAllocation) {
                b.setRole(slot.role());
            }
            Resource.ReservationInfo.Builder reservation = Resource.ReservationInfo.newBuilder();
            if (!slot.principal().isEmpty()) {
                reservation.setPrincipal(slot.principal());
            }
            if (!slot.labels().isEmpty()) {
                Labels.Builder labels = Labels.newBuilder();
                for (String kv : slot.labels().split(";")) {
                    String[] parts = kv.split("=", 2);
                    labels.addLabels(Label.newBuilder().setKey(parts[0]).setValue(parts.length > 1 ? parts[1] : ""));
                }
                reservation.setLabels(labels);
            }
            b.setReservation(reservation);
        }
        if (slot.volume()) {
            b.setDisk(Resource.DiskInfo.newBuilder()
                    .setPersistence(Resource.DiskInfo.Persistence.newBuilder().setId(slot.persistenceId())
                            .setPrincipal(slot.principal()))
                    .setVolume(org.apache.mesos.v1.Protos.Volume.newBuilder().setContainerPath(slot.containerPath())
                            .setMode(org.apache.mesos.v1.Protos.Volume.Mode.RW)));
        }
        return b.build();
    }

    /** Moves an amount between slots (RESERVE, UNRESERVE, CREATE, DESTROY). */
    Resources move(Slot from, Slot to, double amount) {
        Map<Slot, Double> s = new TreeMap<>(ORDER);
        s.putAll(scalars);
        s.merge(from, -amount, Double::sum);
        s.merge(to, amount, Double::sum);
        s.entrySet().removeIf(e -> Math.abs(e.getValue()) < EPSILON);
        return new Resources(s, ports);
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    private static List<long[]> normalize(List<long[]> ranges) {
        List<long[]> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> out = new ArrayList<>();
        for (long[] r : sorted) {
            if (!out.isEmpty() && out.get(out.size() - 1)[1] >= r[0] - 1) {
                long[] last = out.get(out.size() - 1);
                last[1] = Math.max(last[1], r[1]);
            } else {
                out.add(new long[] {r[0], r[1]});
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        scalars.forEach((k, v) -> sb.append(k.name()).append(k.reserved() ? "(" + k.role() + ")" : "")
                .append(k.volume() ? "[" + k.persistenceId() + ":" + k.containerPath() + "]" : "")
                .append(':').append(round(v)).append(';'));
        ports.forEach(r -> sb.append("ports:[").append(r[0]).append('-').append(r[1]).append("];"));
        return sb.length() == 0 ? "{}" : sb.substring(0, sb.length() - 1);
    }
}
