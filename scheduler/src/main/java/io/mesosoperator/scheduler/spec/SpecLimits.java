package io.mesosoperator.scheduler.spec;

/**
 * What one submitted document may cost, checked before anything is parsed further or stored:
 * its size (bytes of a request body or a file; code points once decoded; also what its aliases
 * expand to), how deep its collections nest, how many keys and list elements it has in all
 * (aliases count what they expand to), and how many aliases it uses.
 */
public record SpecLimits(int maxSpecBytes, int maxDepth, int maxValues, int maxAliases) {
    /**
     * 256 KiB: a spec is stored twice in one ZooKeeper request (the resource and its history
     * entry), which ZooKeeper caps at 1 MiB (jute.maxbuffer), and its JSON may be larger than
     * its YAML.
     */
    public static final SpecLimits DEFAULTS = new SpecLimits(256 * 1024, 64, 10_000, 50);

    public SpecLimits {
        if (maxSpecBytes < 1 || maxDepth < 1 || maxValues < 1 || maxAliases < 0) {
            throw new IllegalArgumentException("limits must be positive (maxAliases may be 0): maxSpecBytes " + maxSpecBytes
                    + ", maxDepth " + maxDepth + ", maxValues " + maxValues + ", maxAliases " + maxAliases);
        }
    }
}
