package io.mesosoperator.scheduler.mesos;

import java.io.IOException;
import java.net.URI;

/**
 * Finds the master to talk to. {@code http://host:port} is used as given (a non-leader answers
 * 307 and the client follows); {@code zk://[user:pass@]h1:p1,h2:p2/path} finds the leader the way
 * Mesos agents and schedulers do, and tells the client when it changes.
 */
interface MasterDetector extends AutoCloseable {
    /** The leading master's base URI (http://host:port/). */
    URI detect() throws IOException, InterruptedException;

    /** Called (from any thread) when the leader changes. */
    default void onLeaderChange(Runnable listener) {
    }

    @Override
    default void close() {
    }

    static MasterDetector forUrl(String url) {
        if (url.startsWith("http://") || url.startsWith("https://")) {
            URI uri = URI.create(url.endsWith("/") ? url : url + "/");
            return () -> uri;
        }
        if (url.startsWith("zk://")) {
            return ZkMasterDetector.parse(url);
        }
        throw new IllegalArgumentException("mesos.master '" + url + "' must start with http://, https:// or zk://");
    }
}
