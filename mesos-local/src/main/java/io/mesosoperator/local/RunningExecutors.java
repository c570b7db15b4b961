package io.mesosoperator.local;

import com.google.protobuf.TextFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.mesos.v1.Protos.ExecutorInfo;

/**
 * The master's view of the executors running on agents, by agent, framework and executor id: the
 * resources each holds (counted once, however many tasks it runs) and the ExecutorInfo it was
 * launched with, which every later task for it must repeat. Master thread only.
 */
final class RunningExecutors {
    private final Map<String, Resources> resources = new LinkedHashMap<>();
    /** Unknown for executors learnt from a re-registering agent (it reports their resources only). */
    private final Map<String, ExecutorInfo> infos = new HashMap<>();

    private static String key(String agentId, String frameworkId, String executorId) {
        return agentId + "/" + frameworkId + "/" + executorId;
    }

    /** What a new task for this executor needs beyond its own resources: the executor's, unless it already runs. */
    Resources extraFor(String agentId, String frameworkId, ExecutorInfo executor) {
        return resources.containsKey(key(agentId, frameworkId, executor.getExecutorId().getValue())) ? Resources.empty()
                : Resources.from(executor.getResourcesList());
    }

    /**
     * A task for an executor already running on the agent must carry the very same ExecutorInfo
     * (master/validation.cpp validateCompatibleExecutorInfo, with its message); null when it does.
     */
    String incompatible(String agentId, String frameworkId, ExecutorInfo executor) {
        ExecutorInfo existing = infos.get(key(agentId, frameworkId, executor.getExecutorId().getValue()));
        if (existing == null || existing.equals(executor)) {
            return null;
        }
        String rule = "------------------------------------------------------------\n";
        return "ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID.\n" + rule
                + "Existing ExecutorInfo:\n" + TextFormat.printer().printToString(existing) + "\n" + rule
                + "ExecutorInfo:\n" + TextFormat.printer().printToString(executor) + "\n" + rule;
    }

    /** A task was launched for the executor: it runs from now on, if it did not already. */
    void launched(String agentId, String frameworkId, ExecutorInfo executor) {
        String key = key(agentId, frameworkId, executor.getExecutorId().getValue());
        resources.putIfAbsent(key, Resources.from(executor.getResourcesList()));
        infos.putIfAbsent(key, executor);
    }

    /** An agent re-registering with a new master reports its executors' resources, keyed framework/executor. */
    void reregistered(String agentId, Map<String, Resources> byFrameworkAndExecutor) {
        byFrameworkAndExecutor.forEach((key, res) -> resources.put(agentId + "/" + key, res));
    }

    void terminated(String agentId, String frameworkId, String executorId) {
        String key = key(agentId, frameworkId, executorId);
        resources.remove(key);
        infos.remove(key);
    }

    void removeFramework(String frameworkId) {
        resources.keySet().removeIf(k -> k.contains("/" + frameworkId + "/"));
        infos.keySet().removeIf(k -> k.contains("/" + frameworkId + "/"));
    }

    /** The ids of a framework's executors on an agent, as offers list them (sorted: Mesos' order is a hash map's). */
    java.util.List<String> ids(String agentId, String frameworkId) {
        String prefix = agentId + "/" + frameworkId + "/";
        return resources.keySet().stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length()))
                .sorted().toList();
    }

    /** Each running executor's agent id, framework id and resources. */
    void forEach(Holding holding) {
        resources.forEach((key, res) -> {
            String[] parts = key.split("/", 3);
            holding.accept(parts[0], parts[1], res);
        });
    }

    interface Holding {
        void accept(String agentId, String frameworkId, Resources resources);
    }
}
