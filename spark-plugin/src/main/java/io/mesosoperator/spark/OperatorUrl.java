package io.mesosoperator.spark;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A master URL that this plugin serves: {@code mesos-operator://HOST:PORT/PATH}. HOST:PORT is the
 * operator's API; PATH names the SparkJob run whose executors the driver manages (the operator
 * writes it, e.g. {@code /v1/resources/SparkJob/NAME/runs/RUN}); the plugin does not interpret it
 * and talks HTTP to {@code http://HOST:PORT/PATH/executors}.
 * <p>
 * {@code spark+mesos-operator://...} is the same URL in the form spark-submit accepts: Spark 4's
 * spark-submit refuses masters that do not start with yarn, spark, k8s or local, and takes a
 * {@code spark...} one for a standalone master in client mode, while SparkContext hands every
 * master but {@code spark://...} and {@code local...} to the cluster-manager plugins.
 */
public record OperatorUrl(String master, URI runEndpoint) {
    static final String SCHEME = "mesos-operator";
    static final String SUBMIT_SCHEME = "spark+" + SCHEME;

    /** Whether the URL is meant for this plugin (well formed or not: a malformed one gets our error). */
    public static boolean accepts(String master) {
        String m = master == null ? "" : master.toLowerCase(Locale.ROOT);
        return m.startsWith(SCHEME + "://") || m.startsWith(SUBMIT_SCHEME + "://");
    }

    /** Parses the master URL; the message names what is missing or wrong. */
    public static OperatorUrl parse(String master) {
        if (!accepts(master)) {
            throw new IllegalArgumentException("master '" + master + "' is not a " + SCHEME + "://HOST:PORT/PATH URL");
        }
        URI uri;
        try {
            uri = new URI(master);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("master '" + master + "' is not a valid URL: " + e.getMessage(), e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("master '" + master + "' has no host: the operator's API host is needed");
        }
        if (uri.getPort() < 0) {
            throw new IllegalArgumentException("master '" + master + "' has no port: the operator's API port is needed");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("master '" + master + "' has no path: the path names the SparkJob run"
                    + " (e.g. /v1/resources/SparkJob/NAME/runs/RUN)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("master '" + master + "' has a query or a fragment: only HOST:PORT/PATH");
        }
        return new OperatorUrl(master, URI.create("http://" + uri.getRawAuthority() + path));
    }

    /** The run's executors resource: PUT the wanted executors, GET their states, DELETE them all. */
    public URI executors() {
        return URI.create(runEndpoint + "/executors");
    }

    /** POST the ids of executors to kill. */
    public URI killExecutors() {
        return URI.create(runEndpoint + "/executors/kill");
    }
}
