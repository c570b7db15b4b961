package io.mesosoperator.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * Unreserved agent resources as the allocator sees them: named scalars (cpus, mem, disk, gpus)
 * and the ports range set. Immutable; arithmetic returns new values.
 */
final class Resources {
    private static final double EPSILON = 1e-6;

    private final Map<String, Double> scalars;
    private final List<long[]> ports; // sorted, disjoint [begin, end] ranges

    private Resources(Map<String, Double> scalars, List<long[]> ports) {
        this.scalars = scalars;
        this.ports = ports;
    }

    static Resources empty() {
        return new Resources(new TreeMap<>(), List.of());
    }

    static Resources of(double cpus, double memMb, double diskMb, long portsBegin, long portsEnd) {
        Map<String, Double> s = new TreeMap<>();
        s.put("cpus", cpus);
        s.put("mem", memMb);
        s.put("disk", diskMb);
        return new Resources(s, portsEnd >= portsBegin ? List.of(new long[] {portsBegin, portsEnd}) : List.of());
    }

    static Resources from(List<Resource> resources) {
        Resources r = empty();
        for (Resource resource : resources) {
            if (resource.getType() == Value.Type.SCALAR) {
                Map<String, Double> s = new TreeMap<>(r.scalars);
                s.merge(resource.getName(), resource.getScalar().getValue(), Double::sum);
                r = new Resources(s, r.ports);
            } else if (resource.getType() == Value.Type.RANGES && resource.getName().equals("ports")) {
                List<long[]> ranges = new ArrayList<>(r.ports);
                resource.getRanges().getRangeList().forEach(x -> ranges.add(new long[] {x.getBegin(), x.getEnd()}));
                r = new Resources(r.scalars, normalize(ranges));
            }
        }
        return r;
    }

    double scalar(String name) {
        return scalars.getOrDefault(name, 0.0);
    }

    Resources plus(Resources other) {
        Map<String, Double> s = new TreeMap<>(scalars);
        other.scalars.forEach((k, v) -> s.merge(k, v, Double::sum));
        List<long[]> p = new ArrayList<>(ports);
        p.addAll(other.ports);
        return new Resources(s, normalize(p));
    }

    Resources minus(Resources other) {
        Map<String, Double> s = new TreeMap<>(scalars);
        other.scalars.forEach((k, v) -> s.merge(k, -v, Double::sum));
        s.replaceAll((k, v) -> Math.abs(v) < EPSILON ? 0.0 : v);
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

    /** True when every scalar and every port of {@code other} is available here. */
    boolean contains(Resources other) {
        for (Map.Entry<String, Double> e : other.scalars.entrySet()) {
            if (e.getValue() > scalar(e.getKey()) + EPSILON) {
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

    /** Mesos' minimum allocatable unit: 0.01 cpus or 32 MB of memory (src/master/constants.hpp). */
    boolean allocatable() {
        return scalar("cpus") >= 0.01 || scalar("mem") >= 32;
    }

    List<Resource> toProtos(String role, boolean asAllocation) {
        List<Resource> out = new ArrayList<>();
        if (!ports.isEmpty()) {
            Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
            ports.forEach(r -> ranges.addRange(Value.Range.newBuilder().setBegin(r[0]).setEnd(r[1])));
            out.add(resource(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRanges(ranges), role, asAllocation));
        }
        for (String name : List.of("cpus", "mem", "disk", "gpus")) {
            double v = scalar(name);
            if (v > EPSILON) {
                out.add(resource(Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                        .setScalar(Value.Scalar.newBuilder().setValue(round(v))), role, asAllocation));
            }
        }
        return out;
    }

    private static Resource resource(Resource.Builder b, String role, boolean asAllocation) {
        // To a framework without MULTI_ROLE, offers carry only the deprecated `role`, while what it
        // was given (executor resources in SUBSCRIBED) carries only allocation_info: so a real 1.12
        // master sends them (mesos-transcripts/README.md fact 13).
        if (asAllocation) {
            b.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role));
        } else {
            b.setRole(role);
        }
        return b.build();
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
        scalars.forEach((k, v) -> sb.append(k).append(':').append(round(v)).append(';'));
        ports.forEach(r -> sb.append("ports:[").append(r[0]).append('-').append(r[1]).append("];"));
        return sb.length() == 0 ? "{}" : sb.substring(0, sb.length() - 1);
    }
}
