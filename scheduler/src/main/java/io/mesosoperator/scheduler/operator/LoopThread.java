package io.mesosoperator.scheduler.operator;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns every decision. A task that throws is logged and the loop goes on:
 * a plain ScheduledExecutorService keeps the exception in a future nobody reads, and silently
 * stops a periodic task (the resync) for good.
 */
final class LoopThread extends ScheduledThreadPoolExecutor {
    /** Logs under the Operator's name: these lines were its own before it was split. */
    private static final Logger LOG = LoggerFactory.getLogger(Operator.class);

    LoopThread() {
        super(1, r -> {
            Thread t = new Thread(r, "operator-loop");
            t.setDaemon(true);
            return t;
        });
    }

    private static Runnable guarded(Runnable work) {
        return () -> {
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                LOG.error("the operator loop caught an unexpected error; it goes on", e);
            }
        };
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return super.schedule(guarded(command), delay, unit); // execute() comes here too
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return super.scheduleWithFixedDelay(guarded(command), initialDelay, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return super.scheduleAtFixedRate(guarded(command), initialDelay, period, unit);
    }
}
