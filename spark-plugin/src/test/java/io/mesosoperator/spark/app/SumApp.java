package io.mesosoperator.spark.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The driver of the end-to-end test, run with spark-submit: sums 1..N over P partitions and writes
 * the sum to a file. Every task first leaves a marker naming its executor in the gate directory,
 * then waits until the file {@code open} appears there, so the test sees which executors run
 * tasks and can kill one while tasks are in flight.
 * <p>
 * Arguments: {@code GATE_DIR N PARTITIONS RESULT_FILE [hold]}; with {@code hold} the driver stays
 * up after the job until the file {@code done} appears in the gate directory (so the test can watch
 * dynamic allocation give idle executors back).
 */
public final class SumApp {
    private SumApp() {
    }

    public static void main(String[] args) throws IOException {
        String gate = args[0];
        long n = Long.parseLong(args[1]);
        int partitions = Integer.parseInt(args[2]);
        List<Long> numbers = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            numbers.add(i);
        }
        try (JavaSparkContext spark = new JavaSparkContext(new SparkConf().setAppName("sum"))) {
            long sum = spark.parallelize(numbers, partitions)
                    .mapPartitions((Iterator<Long> part) -> {
                        pass(gate);
                        return part;
                    })
                    .reduce(Long::sum);
            Files.writeString(Path.of(args[3]), Long.toString(sum));
            if (args.length > 4 && args[4].equals("hold")) {
                await(Path.of(gate).resolve("done"));
            }
        }
    }

    /** Runs in a task: marker {@code started-EXECUTOR-PARTITION-ATTEMPT}, then wait for {@code open}. */
    static void pass(String gate) throws IOException {
        TaskContext task = TaskContext.get();
        Path dir = Path.of(gate);
        Files.writeString(dir.resolve("started-" + SparkEnv.get().executorId() + "-" + task.partitionId() + "-"
                + task.attemptNumber()), "");
        await(dir.resolve("open"));
    }

    private static void await(Path file) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(file + " never appeared");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + file, e);
            }
        }
    }
}
