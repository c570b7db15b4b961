package io.mesosoperator.scheduler.mesos;

/** Who the operator is to Mesos: its role, principal and framework name (labels its reservations). */
public record FrameworkIdentity(String frameworkName, String role, String principal) {}
