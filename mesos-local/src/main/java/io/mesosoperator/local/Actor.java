package io.mesosoperator.local;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single thread that owns a component's state, like a libprocess actor in Mesos: the master and
 * each agent mutate their state only on their own thread, and talk to each other by dispatching,
 * so there are no lock orderings to get wrong.
 */
final class Actor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Actor.class);

    private final String name;
    private final ScheduledExecutorService thread;

    Actor(String name) {
        this.name = name;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs the work on the actor; a closed actor drops it, as a stopped process would. */
    void dispatch(Runnable work) {
        unlessClosed(() -> {
            thread.execute(() -> run(work));
            return null;
        });
    }

    /** Runs the work after a delay; null (nothing scheduled) once the actor is closed. */
    ScheduledFuture<?> delay(long millis, Runnable work) {
        return unlessClosed(() -> thread.schedule(() -> run(work), millis, TimeUnit.MILLISECONDS));
    }

    /** Runs the work every interval; null (nothing scheduled) once the actor is closed. */
    ScheduledFuture<?> every(long millis, Runnable work) {
        return unlessClosed(() -> thread.scheduleWithFixedDelay(() -> run(work), millis, millis, TimeUnit.MILLISECONDS));
    }

    /** Hands work to the thread; once the actor is closed it takes none, and null is the answer. */
    private <T> T unlessClosed(Supplier<T> handOver) {
        try {
            return handOver.get();
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: closed, dropped work", name);
            return null;
        }
    }

    /** Runs on the actor and waits for the answer (for HTTP handlers that must reply with a status). */
    <T> T call(Supplier<T> work) {
        CompletableFuture<T> future = CompletableFuture.supplyAsync(work, thread);
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + " interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + " did not answer within 30s", e);
        }
    }

    private void run(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.error("{}: unexpected error", name, e);
        }
    }

    boolean closed() {
        return thread.isShutdown();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
