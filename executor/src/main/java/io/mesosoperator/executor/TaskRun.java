package io.mesosoperator.executor;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.mesos.v1.Protos.TaskInfo;

/** What runs one task: a plain process ({@link TaskProcess}) or a Spark driver ({@link SparkRunner}). */
interface TaskRun {
    TaskInfo task();

    /** Stops it: gracefully first, forcibly once the grace period is over. */
    void kill(Duration gracePeriod, ScheduledExecutorService timer);

    /** Stops it without a grace period. */
    default void destroyNow(ScheduledExecutorService timer) {
        kill(Duration.ZERO, timer);
    }
}
