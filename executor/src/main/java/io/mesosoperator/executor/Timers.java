package io.mesosoperator.executor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Work the executor leaves for later, such as the SIGKILL that follows a SIGTERM after a grace period. */
final class Timers {
    private Timers() {}

    /**
     * Runs {@code work} after {@code delay} on the executor's timer or, once that is shut down, on a
     * common one: inside a mesos-local agent, an agent thread may still be stopping the tasks when
     * the executor finishes (its task died at the first signal) and shuts its timer down.
     */
    static void later(ScheduledExecutorService timer, Duration delay, Runnable work) {
        try {
            timer.schedule(work, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            CompletableFuture.runAsync(work, CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
        }
    }
}
