package io.mesosoperator.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimersTest {
    @Test
    void workLeftForLaterRunsThoughTheExecutorsTimerIsShutDown() throws Exception {
        // the executor finished (and shut its timer down) while an agent thread was stopping its tasks
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        timer.shutdown();
        CountDownLatch ran = new CountDownLatch(2);
        Timers.later(timer, Duration.ofMillis(50), ran::countDown);
        ScheduledExecutorService running = Executors.newSingleThreadScheduledExecutor();
        Timers.later(running, Duration.ofMillis(50), ran::countDown);
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        running.shutdown();
    }
}
