package io.mesosoperator.scheduler.monitor;

import io.mesosoperator.scheduler.spec.ResourceKey;
import java.time.Instant;

/**
 * Something that changed near the start of an anomaly and may have caused it.
 *
 * @param time     when it happened
 * @param category what sort of change, the first rank of a likely cause
 * @param resource the resource it happened to
 * @param reason   the event's reason (InstanceFailed, SpecConfigured, ...) or AnomalyDetected
 * @param what     what happened, in words
 */
public record CorrelatedChange(Instant time, Category category, ResourceKey resource, String reason, String what) {
    /** The sorts of change, most likely cause first. */
    public enum Category {
        /** a task of the resource failed or restarted */
        RESTART,
        /** a new spec generation, a roll or another change the operator made on purpose */
        ROLL,
        /** an agent running a task of the resource was lost or became unreachable */
        AGENT_LOSS,
        /** an instance was moved to another agent */
        RESCHEDULE,
        /** another series deviated as well */
        ANOMALY
    }

    /** One line: "2026-12-06T07:11:02Z restart Service/web: instance 2 task ... failed". */
    public String describe() {
        return time + " " + category.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " " + resource + ": " + what;
    }
}
