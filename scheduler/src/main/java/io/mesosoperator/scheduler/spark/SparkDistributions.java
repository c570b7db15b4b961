package io.mesosoperator.scheduler.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Spark distributions the operator can give a SparkJob, by Spark version ("3.5.7", "4.1.1"), and the
 * default one for specs that name neither {@code sparkVersion} nor {@code distribution}.
 *
 * <p>A spec's {@code sparkVersion} is a version or a prefix of one, by whole components: "4" and "4.1" both
 * pick 4.1.1, "3.5.7" only 3.5.7; of several matches the newest wins, as "give me Spark 4" means.
 */
public final class SparkDistributions {
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*");

    private final String defaultUri;
    private final Map<String, String> byVersion;

    /**
     * @param defaultUri for specs that name no version nor distribution (null: they must name one)
     * @param byVersion  tarball URIs by their Spark version; versions that are not dotted numbers are refused
     */
    public SparkDistributions(String defaultUri, Map<String, String> byVersion) {
        byVersion.keySet().forEach(v -> {
            if (!VERSION.matcher(v).matches()) {
                throw new IllegalArgumentException("workloads.sparkDistributions: '" + v
                        + "' is not a Spark version (digits and dots, such as 4.1.1)");
            }
        });
        this.defaultUri = defaultUri;
        this.byVersion = new LinkedHashMap<>(byVersion);
    }

    /** Only a default (or none): what an operator without versioned distributions has. */
    public static SparkDistributions only(String defaultUri) {
        return new SparkDistributions(defaultUri, Map.of());
    }

    public String defaultUri() {
        return defaultUri;
    }

    /** The versions on offer, oldest first (for error messages and docs). */
    public List<String> versions() {
        List<String> versions = new ArrayList<>(byVersion.keySet());
        versions.sort(SparkDistributions::compare);
        return versions;
    }

    /** The newest distribution whose version starts with {@code wanted}'s components, if any. */
    public Optional<String> forVersion(String wanted) {
        String[] want = wanted.split("\\.");
        return byVersion.keySet().stream()
                .filter(v -> startsWith(v.split("\\."), want))
                .max(SparkDistributions::compare)
                .map(byVersion::get);
    }

    private static boolean startsWith(String[] version, String[] prefix) {
        if (prefix.length > version.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (Long.parseLong(version[i]) != Long.parseLong(prefix[i])) {
                return false;
            }
        }
        return true;
    }

    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
