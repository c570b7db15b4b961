package io.mesosoperator.scheduler.mesos;

import java.io.IOException;
import java.net.URI;

/**
 * Finds the master to talk to. {@code http://host:port} is used as given (a non-leader answers
 * 307 and the client follows). {@code zk://} detection is not there yet: it fails clearly.
 */
interface MasterDetector {
    URI detect() throws IOException;

    static MasterDetector forUrl(String url) {
        if (url.startsWith("http://") || url.startsWith("https://")) {
            URI uri = URI.create(url.endsWith("/") ? url : url + "/");
            return () -> uri;
        }
        if (url.startsWith("zk://")) {
            throw new IllegalArgumentException("mesos.master '" + url + "': zk:// master detection is not"
                    + " implemented yet; give the leading master as http://host:5050");
        }
        throw new IllegalArgumentException("mesos.master '" + url + "' must start with http://, https:// or zk://");
    }
}
