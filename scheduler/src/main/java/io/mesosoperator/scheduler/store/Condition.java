package io.mesosoperator.scheduler.store;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** A Kubernetes-style status condition: Ready, Progressing, Degraded. */
public record Condition(String type, String status, String reason, String message, String lastTransitionTime) {
    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";
    /** Set by the anomaly monitor, not by a kind: a watched series of the resource deviates from its baseline. */
    public static final String ANOMALOUS = "Anomalous";

    public static Condition of(String type, boolean value, String reason, String message) {
        return new Condition(type, value ? "True" : "False", reason, message, null);
    }

    @JsonIgnore // not a field of the condition, as in Kubernetes
    public boolean isTrue() {
        return "True".equals(status);
    }

    public Condition at(String time) {
        return new Condition(type, status, reason, message, time);
    }
}
