package io.mesosoperator.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An agent's {@code GET /monitor/statistics}: what each executor container uses, in the shape a
 * Mesos agent answers (slave/http.cpp {@code statistics}: one object per executor with
 * {@code framework_id}, {@code executor_id}, {@code executor_name}, {@code source} and the
 * ResourceStatistics fields in their protobuf order). As Mesos' posix isolators do, the CPU times
 * and the resident memory are the sums over the container's live processes, from
 * {@code /proc/<pid>/stat} and {@code /proc/<pid>/status}; the limits are the resources of the
 * executor and its tasks.
 *
 * <p>A custom executor's container is its process and all its descendants. A command executor
 * runs inside the agent here (no process of its own), so its container is the agent's child
 * processes whose standard output goes to the executor's sandbox, where the task's stdout file is,
 * and their descendants.
 */
final class ContainerStatistics {
    /** One executor container as the agent's actor saw it, for the /proc reading that follows off the actor. */
    record Container(String frameworkId, String executorId, String executorName, String source, OptionalLong pid,
                     Path sandbox, double cpusLimit, double memLimitMb) {}

    /** Totals over a container's processes. */
    record Usage(double userSeconds, double systemSeconds, long rssBytes) {}

    private static final long TICKS_PER_SECOND = clockTicks();

    private ContainerStatistics() {}

    static String json(List<Container> containers) {
        ArrayNode answer = JsonNodeFactory.instance.arrayNode();
        // every child's standard output is read once per answer, not once per container (100
        // command executors on an agent would otherwise mean 100 x 100 reads of /proc)
        Map<ProcessHandle, Path> childStdout = containers.stream().anyMatch(c -> c.pid().isEmpty()) ? childStdout() : Map.of();
        for (Container c : containers) {
            Usage usage = usage(c, childStdout);
            ObjectNode entry = answer.addObject();
            entry.put("executor_id", c.executorId());
            entry.put("executor_name", c.executorName());
            entry.put("framework_id", c.frameworkId());
            entry.put("source", c.source());
            ObjectNode statistics = entry.putObject("statistics");
            statistics.put("timestamp", System.currentTimeMillis() / 1000.0);
            statistics.put("cpus_user_time_secs", usage.userSeconds());
            statistics.put("cpus_system_time_secs", usage.systemSeconds());
            statistics.put("cpus_limit", c.cpusLimit());
            statistics.put("mem_rss_bytes", usage.rssBytes());
            statistics.put("mem_limit_bytes", (long) (c.memLimitMb() * 1024 * 1024));
        }
        return JsonNodes.print(answer);
    }

    static Usage usage(Container container, Map<ProcessHandle, Path> childStdout) {
        double user = 0;
        double system = 0;
        long rss = 0;
        for (long pid : processes(container, childStdout)) {
            long[] times = cpuTicks(pid);
            long bytes = rssBytes(pid);
            if (times == null || bytes < 0) {
                continue; // it ended while being read
            }
            user += (double) times[0] / TICKS_PER_SECOND;
            system += (double) times[1] / TICKS_PER_SECOND;
            rss += bytes;
        }
        return new Usage(user, system, rss);
    }

    private static Set<Long> processes(Container container, Map<ProcessHandle, Path> childStdout) {
        Stream<ProcessHandle> roots = container.pid().isPresent()
                ? ProcessHandle.of(container.pid().getAsLong()).stream()
                : writingInto(container.sandbox(), childStdout);
        Set<Long> pids = new LinkedHashSet<>();
        roots.forEach(root -> {
            pids.add(root.pid());
            root.descendants().forEach(d -> pids.add(d.pid()));
        });
        return pids;
    }

    /** The agent's children whose standard output is a file in the sandbox. */
    private static Stream<ProcessHandle> writingInto(Path sandbox, Map<ProcessHandle, Path> childStdout) {
        Path real;
        try {
            real = sandbox.toRealPath();
        } catch (IOException e) {
            return Stream.empty(); // the sandbox is gone
        }
        return childStdout.entrySet().stream().filter(e -> e.getValue().startsWith(real)).map(Map.Entry::getKey);
    }

    /** Where each child process of the agent writes its standard output (/proc/PID/fd/1). */
    private static Map<ProcessHandle, Path> childStdout() {
        Map<ProcessHandle, Path> out = new HashMap<>();
        ProcessHandle.current().children().forEach(p -> {
            try {
                out.put(p, Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "fd", "1")));
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                // gone, or not ours to look at
            }
        });
        return out;
    }

    /** utime and stime in clock ticks (fields 14 and 15 of /proc/PID/stat), or null when the process is gone. */
    static long[] cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count fields after its end
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** VmRSS of /proc/PID/status in bytes; 0 for a process without one (a zombie), -1 when it is gone. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** USER_HZ, which /proc counts CPU time in: 100 on every Linux platform this runs on, asked once. */
    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
