package io.mesosoperator.mesos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the executor's environment (Mesos' stout) and a job's {@code @every} schedule (Go's short form) accept. */
class DurationsTest {
    @Test
    void stoutUnitsAsTheAgentWritesThem() {
        assertThat(Durations.parse("5secs")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("15mins")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.parse("2hrs")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("3days")).isEqualTo(Duration.ofDays(3));
        assertThat(Durations.parse("2weeks")).isEqualTo(Duration.ofDays(14));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("40us")).isEqualTo(Duration.ofNanos(40_000));
        assertThat(Durations.parse("7ns")).isEqualTo(Duration.ofNanos(7));
    }

    @Test
    void stoutDecimalsAndASpaceBeforeTheUnit() {
        assertThat(Durations.parse("1.5hrs")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse(".5secs")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse(" 5 secs ")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("0.0000000015secs")).isEqualTo(Duration.ofNanos(1));
    }

    @Test
    void shortFormPartsAddUp() {
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1d2h")).isEqualTo(Duration.ofHours(26));
        assertThat(Durations.parse("1m500ms")).isEqualTo(Duration.ofMillis(60_500));
    }

    @Test
    void unitsAreCaseInsensitive() {
        assertThat(Durations.parse("5M")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("5SECS")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void millisecondsAreNotMinutes() {
        assertThat(Durations.parse("5ms")).isEqualTo(Duration.ofMillis(5));
        assertThat(Durations.parse("5mins")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("5m5s")).isEqualTo(Duration.ofSeconds(305));
    }

    @Test
    void longDurationsDoNotOverflowNanoseconds() {
        assertThat(Durations.parse("1000000d")).isEqualTo(Duration.ofDays(1_000_000));
        assertThatThrownBy(() -> Durations.parse("999999999999999999999d")).hasMessageContaining("too long");
    }

    @Test
    void anythingElseSaysWhatADurationLooksLike() {
        for (String bad : new String[] {"", "  ", "soon", "5", "secs", "5m later", "1h 30m", "-5s", "5min", "1,5s"}) {
            assertThatThrownBy(() -> Durations.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + bad + "' is not a duration like 30s, 5m, 1h30m, 250ms or 5secs");
        }
    }
}
