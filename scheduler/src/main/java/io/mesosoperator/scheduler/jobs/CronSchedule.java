package io.mesosoperator.scheduler.jobs;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.mesosoperator.mesos.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * A job schedule (cron-utils): 5 fields as in crontab ({@code "0 3 * * *"}, minute resolution),
 * 6 or 7 fields Quartz-style with seconds first ({@code "0/20 * * * * ?"}), the crontab macros
 * ({@code @hourly}, {@code @daily}, ...), or {@code @every DURATION} ({@code @every 30s}, {@code
 * 5m}, {@code 1h}; as Kubernetes' ScheduledSparkApplication accepts). Times are UTC.
 */
public final class CronSchedule implements JobRuns.Schedule {
    private final String expression;
    private final ExecutionTime cron;
    private final Duration every;

    private CronSchedule(String expression, ExecutionTime cron, Duration every) {
        this.expression = expression;
        this.cron = cron;
        this.every = every;
    }

    /** @throws IllegalArgumentException with a readable reason when the expression is not valid */
    public static CronSchedule parse(String expression) {
        String e = expression.trim();
        if (e.startsWith("@every ")) {
            Duration d = Durations.parse(e.substring(7).trim());
            if (d.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("@every needs at least 1s");
            }
            return new CronSchedule(e, null, d);
        }
        if (e.startsWith("@")) {
            e = switch (e) {
                case "@yearly", "@annually" -> "0 0 1 1 *";
                case "@monthly" -> "0 0 1 * *";
                case "@weekly" -> "0 0 * * 0";
                case "@daily", "@midnight" -> "0 0 * * *";
                case "@hourly" -> "0 * * * *";
                default -> throw new IllegalArgumentException("unknown macro " + e
                        + " (known: @yearly, @monthly, @weekly, @daily, @hourly, @every DURATION)");
            };
        }
        int fields = e.split("\\s+").length;
        CronType type = switch (fields) {
            case 5 -> CronType.UNIX;
            case 6, 7 -> CronType.QUARTZ;
            default -> throw new IllegalArgumentException("a cron expression has 5 fields (minute hour day month weekday),"
                    + " or 6-7 with seconds first (Quartz), or is @every DURATION; got " + fields + " field(s)");
        };
        try {
            CronParser parser = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type));
            return new CronSchedule(expression.trim(), ExecutionTime.forCron(parser.parse(e).validate()), null);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("not a valid " + (type == CronType.UNIX ? "cron" : "Quartz cron")
                    + " expression: " + ex.getMessage());
        }
    }

    @Override
    public Instant nextAfter(Instant t) {
        if (every != null) {
            return t.plus(every);
        }
        return cron.nextExecution(ZonedDateTime.ofInstant(t, ZoneOffset.UTC)).map(ZonedDateTime::toInstant).orElse(null);
    }

    @Override
    public String toString() {
        return expression;
    }
}
