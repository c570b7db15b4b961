package io.mesosoperator.scheduler.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a SparkJob's {@code schedule} field accepts, when it fires next, and how it refuses. */
class CronScheduleTest {
    private static final Instant NOON = Instant.parse("2026-12-05T12:00:30Z");

    @Test
    void crontabFiveFieldsFireOnTheMinuteInUtc() {
        assertThat(CronSchedule.parse("0 3 * * *").nextAfter(NOON)).isEqualTo(Instant.parse("2026-12-06T03:00:00Z"));
        assertThat(CronSchedule.parse("*/15 * * * *").nextAfter(NOON)).isEqualTo(Instant.parse("2026-12-05T12:15:00Z"));
    }

    @Test
    void quartzSixFieldsHaveSecondsFirst() {
        assertThat(CronSchedule.parse("0/20 * * * * ?").nextAfter(NOON)).isEqualTo(Instant.parse("2026-12-05T12:00:40Z"));
    }

    @Test
    void macrosAreTheirCrontabEquivalents() {
        assertThat(CronSchedule.parse("@hourly").nextAfter(NOON)).isEqualTo(Instant.parse("2026-12-05T13:00:00Z"));
        assertThat(CronSchedule.parse("@daily").nextAfter(NOON)).isEqualTo(Instant.parse("2026-12-06T00:00:00Z"));
        assertThat(CronSchedule.parse("@monthly").nextAfter(NOON)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    }

    @Test
    void everyDurationCountsFromTheGivenInstant() {
        assertThat(CronSchedule.parse("@every 1h30m").nextAfter(NOON)).isEqualTo(NOON.plus(Duration.ofMinutes(90)));
        assertThat(CronSchedule.parse("  @every 30s ").toString()).isEqualTo("@every 30s");
    }

    @Test
    void badExpressionsSayWhatIsExpected() {
        assertThatThrownBy(() -> CronSchedule.parse("@every 500ms")).hasMessageContaining("at least 1s");
        assertThatThrownBy(() -> CronSchedule.parse("@every soon")).hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> CronSchedule.parse("@every 5m later")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> CronSchedule.parse("@fortnightly")).hasMessageContaining("unknown macro @fortnightly");
        assertThatThrownBy(() -> CronSchedule.parse("0 3 * *")).hasMessageContaining("got 4 field(s)");
        assertThatThrownBy(() -> CronSchedule.parse("61 3 * * *")).hasMessageStartingWith("not a valid cron expression");
    }
}
