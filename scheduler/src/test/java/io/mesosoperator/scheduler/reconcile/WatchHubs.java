package io.mesosoperator.scheduler.reconcile;

/** For tests outside this package: what the operator's loop publishes to the watchers. */
public final class WatchHubs {
    private WatchHubs() {}

    public static void publish(WatchHub hub, WatchHub.Change change) {
        hub.publish(change);
    }
}
