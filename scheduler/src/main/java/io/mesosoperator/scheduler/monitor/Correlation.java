package io.mesosoperator.scheduler.monitor;

import io.mesosoperator.scheduler.monitor.CorrelatedChange.Category;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The changes found in the window of an anomaly, ranked as its likely causes: by category (restarts
 * and failures, then rolls and spec generations, agent loss, reschedules, other anomalies), then
 * the anomalous resource's own changes before other resources', then the nearest in time to the
 * anomaly's start. The changes come from what the operator already records: its events, the tasks
 * it knows unreachable, and the other anomalies flagged.
 */
final class Correlation {
    /** At most this many changes are kept per anomaly. */
    static final int KEPT = 10;
    /** Task states that mean the agent, not the task, went away. */
    private static final Pattern AGENT_GONE = Pattern.compile("TASK_(LOST|GONE|GONE_BY_OPERATOR|UNREACHABLE|DROPPED)|REASON_AGENT");

    private Correlation() {}

    /**
     * What an event of a resource says changed, or null when it is no likely cause (a launch, a
     * subscription) or repeats one (BackOff follows each failure, which has its own event naming the task).
     */
    static CorrelatedChange fromEvent(ResourceKey resource, OperatorEvent event) {
        Category category = switch (event.reason()) {
            case "InstanceFailed", "AttemptFailed" -> AGENT_GONE.matcher(event.message()).find() ? Category.AGENT_LOSS
                    : Category.RESTART;
            case "Killing", "KillRequested" -> Category.ROLL;
            case "VolumeLost" -> Category.AGENT_LOSS;
            case "Replacing", "VolumeAbandoned", "VolumeDestroyed" -> Category.RESCHEDULE;
            default -> event.reason().startsWith("Spec") || event.reason().startsWith("Plan") ? Category.ROLL : null;
        };
        Instant time = parse(event.time());
        return category == null || time == null ? null : new CorrelatedChange(time, category, resource, event.reason(),
                event.message());
    }

    /** A task that is unreachable now: its agent was lost (when the task turned unreachable). */
    static CorrelatedChange fromTask(TaskRecord task) {
        Instant since = task.unreachable() ? parse(task.unreachableSince() != null ? task.unreachableSince() : task.updatedAt()) : null;
        return since == null ? null : new CorrelatedChange(since, Category.AGENT_LOSS, task.resourceKey(), "TaskUnreachable",
                "instance " + task.instance() + " task " + task.taskId() + " unreachable on agent " + task.agentId());
    }

    /**
     * The changes within [{@code since} - {@code window}, {@code now}], ranked (see the class), at most
     * {@value #KEPT}, without duplicates.
     */
    static List<CorrelatedChange> rank(ResourceKey anomalous, Instant since, Duration window, Instant now,
                                       List<CorrelatedChange> candidates) {
        Instant from = since.minus(window);
        Set<CorrelatedChange> within = new LinkedHashSet<>();
        for (CorrelatedChange c : candidates) {
            if (c != null && !c.time().isBefore(from) && !c.time().isAfter(now)) {
                within.add(c);
            }
        }
        List<CorrelatedChange> ranked = new ArrayList<>(within);
        ranked.sort(Comparator.comparing(CorrelatedChange::category)
                .thenComparing(c -> !c.resource().equals(anomalous))
                .thenComparing(c -> Duration.between(c.time(), since).abs())
                .thenComparing(CorrelatedChange::time));
        return List.copyOf(ranked.subList(0, Math.min(KEPT, ranked.size())));
    }

    private static Instant parse(String time) {
        try {
            return time == null ? null : Instant.parse(time);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
