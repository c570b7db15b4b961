package io.mesosoperator.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The delays of the operator's restarts and of the scheduler's and executor's re-subscriptions. */
class BackoffTest {
    static final Backoff RESTARTS = new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(30), Duration.ofSeconds(60));

    @Test
    void growsByTheFactorAndIsCapped() {
        assertThat(RESTARTS.delayAfter(0)).isEqualTo(Duration.ZERO);
        assertThat(RESTARTS.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RESTARTS.delayAfter(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(RESTARTS.delayAfter(20)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RESTARTS.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aFractionalFactorKeepsMilliseconds() {
        Backoff gentle = new Backoff(Duration.ofMillis(1000), 1.5, Duration.ofSeconds(10), Duration.ZERO);
        assertThat(gentle.delayAfter(2)).isEqualTo(Duration.ofMillis(1500));
        assertThat(gentle.delayAfter(3)).isEqualTo(Duration.ofMillis(2250));
    }

    @Test
    void theDefaultIsOneSecondDoublingToAMinuteResetAfterAMinute() {
        assertThat(Backoff.DEFAULT.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Backoff.DEFAULT.delayAfter(6)).isEqualTo(Duration.ofSeconds(32));
        assertThat(Backoff.DEFAULT.delayAfter(7)).isEqualTo(Duration.ofSeconds(60));
        assertThat(Backoff.DEFAULT.resetAfter()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void retriesDoubleFromTheInitialDelayUpToTheCapAndStartOverOnReset() {
        // the executor's re-subscription: 100 ms doubling up to MESOS_SUBSCRIPTION_BACKOFF_MAX
        Backoff.Retries retries = Backoff.doubling(Duration.ofMillis(100), Duration.ofSeconds(2)).retries();
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            waits.add(retries.nextDelay().toMillis());
        }
        assertThat(waits).containsExactly(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L);
        retries.reset();
        assertThat(retries.nextDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(retries.nextDelay()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void eachLoopCountsItsOwnFailures() {
        Backoff backoff = Backoff.doubling(Duration.ofMillis(100), Duration.ofSeconds(1));
        Backoff.Retries first = backoff.retries();
        first.nextDelay();
        first.nextDelay();
        assertThat(backoff.retries().nextDelay()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void doublingStartsOverOnAnySuccess() {
        assertThat(Backoff.doubling(Duration.ofMillis(100), Duration.ofSeconds(1)).resetAfter()).isEqualTo(Duration.ZERO);
    }

    @Test
    void jitterSpreadsFromHalfToOneAndAHalfTimesTheDelay() {
        Duration delay = Duration.ofSeconds(2);
        assertThat(Backoff.jittered(delay, 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Backoff.jittered(delay, 0.5)).isEqualTo(delay);
        assertThat(Backoff.jittered(delay, 0.9999)).isEqualTo(Duration.ofMillis(2999));
        for (int i = 0; i < 1000; i++) {
            assertThat(Backoff.jittered(delay)).isBetween(Duration.ofSeconds(1), Duration.ofMillis(2999));
        }
    }
}
