package io.mesosoperator.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The collectors' periodic thread: a round that throws never stops the next ones; close stops them. */
class RoundsTest {
    @Test
    void aFailingRoundIsFollowedByTheNextAndCloseStopsThem() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Rounds rounds = new Rounds("test-rounds", Duration.ZERO, Duration.ofMillis(10), () -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("the first round fails");
            }
        });
        rounds.start();
        rounds.start(); // a second start runs no second thread
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
        rounds.close();
        int afterClose = runs.get();
        Thread.sleep(100);
        assertThat(runs.get()).as("no round after close (one may have been running)").isLessThanOrEqualTo(afterClose + 1);
    }
}
