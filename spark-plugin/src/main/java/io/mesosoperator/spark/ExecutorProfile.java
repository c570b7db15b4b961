package io.mesosoperator.spark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.resource.ExecutorResourceRequest;
import org.apache.spark.resource.ResourceProfile;

/**
 * How many executors of one Spark resource profile the driver wants, and what each gets: the
 * task's cpus are {@code cores}, its mem {@code memoryMiB + memoryOverheadMiB}, the JVM's heap
 * {@code memoryMiB}. Profile 0 is Spark's default (spark.executor.cores, spark.executor.memory);
 * stage-level scheduling adds others.
 */
public record ExecutorProfile(int id, int total, int cores, long memoryMiB, long memoryOverheadMiB) {

    /** Spark's rule for the overhead when none is set: max(factor x heap, minimum), as YARN and Kubernetes size it. */
    static ExecutorProfile of(ResourceProfile profile, int total, SparkConf conf) {
        Map<String, ExecutorResourceRequest> r = profile.executorResourcesJMap();
        int cores = r.containsKey(ResourceProfile.CORES()) ? (int) r.get(ResourceProfile.CORES()).amount()
                : conf.getInt("spark.executor.cores", 1);
        long memory = r.containsKey(ResourceProfile.MEMORY()) ? r.get(ResourceProfile.MEMORY()).amount()
                : conf.getSizeAsMb("spark.executor.memory", "1g");
        long overhead = r.containsKey(ResourceProfile.OVERHEAD_MEM()) ? r.get(ResourceProfile.OVERHEAD_MEM()).amount()
                : Math.max(conf.getSizeAsMb("spark.executor.minMemoryOverhead", "384m"),
                        (long) (conf.getDouble("spark.executor.memoryOverheadFactor", 0.1) * memory));
        // off-heap and PySpark memory live outside the heap too, so the task must have room for them
        overhead += amount(r, ResourceProfile.OFFHEAP_MEM()) + amount(r, ResourceProfile.PYSPARK_MEM());
        return new ExecutorProfile(profile.id(), total, cores, memory, overhead);
    }

    ExecutorProfile withTotal(int newTotal) {
        return new ExecutorProfile(id, newTotal, cores, memoryMiB, memoryOverheadMiB);
    }

    private static long amount(Map<String, ExecutorResourceRequest> resources, String name) {
        ExecutorResourceRequest request = resources.get(name);
        return request == null ? 0 : request.amount();
    }
}
