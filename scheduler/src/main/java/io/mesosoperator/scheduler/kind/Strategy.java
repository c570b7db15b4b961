package io.mesosoperator.scheduler.kind;

import java.util.Locale;

/**
 * The order in which a plan deploys its steps (spec.strategy). Recovery of an instance that was
 * already deployed is never held back by it.
 * <ul>
 *   <li>parallel: every new instance is launched at once; running instances still roll one at a time.</li>
 *   <li>serial: one step at a time, each after the previous is ready.</li>
 *   <li>canary: the first step deploys, then the plan waits for {@code plan continue}; the rest go serially.</li>
 * </ul>
 */
public enum Strategy {
    PARALLEL, SERIAL, CANARY;

    public static Strategy of(String name) {
        return name == null ? PARALLEL : valueOf(name.toUpperCase(Locale.ROOT));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
