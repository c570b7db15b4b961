package io.mesosoperator.scheduler.store;

import io.mesosoperator.scheduler.spec.ResourceKey;

/**
 * A conditional write found the resource changed since the version it was based on (optimistic
 * concurrency, as Kubernetes' {@code metadata.resourceVersion}): nothing was changed.
 */
public final class ResourceVersionConflict extends RuntimeException {
    private final transient ResourceKey key;
    private final String current;

    /**
     * @param given   the resourceVersion the write was based on (null: the version the writer itself last read)
     * @param current the resource's resourceVersion now; null when it does not exist (any more)
     */
    public ResourceVersionConflict(ResourceKey key, String given, String current) {
        super(message(key, given, current));
        this.key = key;
        this.current = current;
    }

    public ResourceKey key() {
        return key;
    }

    /** The current resourceVersion; null when the resource does not exist. */
    public String current() {
        return current;
    }

    private static String message(ResourceKey key, String given, String current) {
        String based = given == null ? "it was read" : "resourceVersion \"" + given + "\"";
        return current == null
                ? key + " does not exist (any more), but the write was based on " + based + "; nothing was changed"
                : key + " has changed since " + based + ": the current resourceVersion is \"" + current
                        + "\"; nothing was changed (read it again, redo the change and retry)";
    }
}
