package io.mesosoperator.scheduler.store;

/** Something that happened to a resource, for `describe` (kubectl-style events). */
public record OperatorEvent(String time, String type, String reason, String message) {}
