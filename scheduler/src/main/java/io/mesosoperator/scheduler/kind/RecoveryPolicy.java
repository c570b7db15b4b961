package io.mesosoperator.scheduler.kind;

import io.mesosoperator.mesos.Backoff;
import java.time.Duration;

/**
 * How instances are repaired: the crash backoff, and how long a task on an unreachable agent
 * (partitioned or dead, Mesos cannot tell yet) is waited for before a replacement is launched
 * elsewhere. If the agent comes back, the older of the two copies is killed.
 */
public record RecoveryPolicy(Backoff backoff, Duration replaceUnreachableAfter) {
    public static final RecoveryPolicy DEFAULT = new RecoveryPolicy(Backoff.DEFAULT, Duration.ofSeconds(60));
}
