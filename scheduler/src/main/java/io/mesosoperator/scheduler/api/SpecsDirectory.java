package io.mesosoperator.scheduler.api;

import io.mesosoperator.scheduler.operator.Operator;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.InvalidSpecException;
import io.mesosoperator.scheduler.spec.ParsedDocument;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecLimits;
import io.mesosoperator.scheduler.spec.SpecParser;
import io.mesosoperator.scheduler.spec.SpecValidator;
import io.mesosoperator.scheduler.store.TooLargeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * `--specs-dir DIR`: every *.yaml, *.yml and *.json file in DIR is applied when it appears or
 * changes, so editing a file is how a user scales. A refused file is logged with its
 * file:line:column errors and changes nothing; so is one over the API's {@link SpecLimits} (a
 * file larger than maxSpecBytes is not even read). With `--prune`, deleting a file deletes the
 * resource it declared. Only the leader applies.
 */
final class SpecsDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpecsDirectory.class);

    private final Path dir;
    private final boolean prune;
    private final SpecValidator validator;
    private final SpecLimits limits;
    private final Supplier<Operator> acting;
    private final Map<Path, Integer> appliedHash = new HashMap<>();
    private final Map<Path, ResourceKey> declared = new HashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "specs-dir");
        t.setDaemon(true);
        return t;
    });

    SpecsDirectory(Path dir, boolean prune, SpecValidator validator, SpecLimits limits, Supplier<Operator> acting) {
        this.dir = dir;
        this.prune = prune;
        this.validator = validator;
        this.limits = limits;
        this.acting = acting;
    }

    void start() {
        LOG.info("applying the specs in {} on every change{}", dir, prune ? "; deleting a file deletes its resource" : "");
        poller.scheduleWithFixedDelay(this::scan, 0, 1, TimeUnit.SECONDS);
    }

    private synchronized void scan() {
        Operator operator = acting.get();
        if (operator == null) {
            appliedHash.clear(); // a follower applies nothing; a new leader applies everything again (idempotent)
            return;
        }
        Set<Path> present = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().matches(".*\\.(ya?ml|json)$")).sorted().forEach(file -> {
                present.add(file);
                apply(operator, file);
            });
        } catch (IOException e) {
            LOG.warn("cannot list the specs directory {}: {}", dir, e.getMessage());
            return;
        }
        for (Path gone : new HashSet<>(declared.keySet())) {
            if (!present.contains(gone)) {
                ResourceKey key = declared.remove(gone);
                appliedHash.remove(gone);
                if (prune && !declared.containsValue(key)) {
                    LOG.info("{} was removed: deleting {}", gone.getFileName(), key);
                    operator.delete(key, null);
                }
            }
        }
    }

    private void apply(Operator operator, Path file) {
        FileText read;
        try {
            read = readWithinLimit(file);
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
            return;
        }
        // a refused version is not retried (nor logged again) until the file changes
        if (Integer.valueOf(read.hashCode()).equals(appliedHash.put(file, read.hashCode()))) {
            return;
        }
        if (read.refused() != null) {
            LOG.warn("{}: {} (refused, not read; the running spec is unchanged)", file, read.refused());
            return;
        }
        String text = read.text();
        try {
            ParsedDocument document = SpecParser.parse(text, limits);
            Operator.Applied applied;
            try {
                applied = operator.apply(validator.validate(document));
            } catch (InvalidSpecException e) {
                throw new InvalidSpecException(SpecValidator.locate(document, e.errors()));
            }
            declared.put(file, applied.resource().key());
            LOG.info("{}: {} {} (generation {})", file.getFileName(), applied.resource().key(), applied.change().verb(),
                    applied.resource().generation());
        } catch (InvalidSpecException e) {
            for (FieldError error : e.errors()) {
                LOG.warn("{}:{} (refused; the running spec is unchanged)", file, error.describe());
            }
        } catch (TooLargeException e) {
            LOG.warn("{}: {} (refused; the running spec is unchanged)", file, e.getMessage());
        } catch (io.mesosoperator.scheduler.store.ResourceVersionConflict e) {
            // a file naming a resourceVersion that is no longer current: refused until the file changes
            LOG.warn("{}: metadata.resourceVersion: {} (refused)", file, e.getMessage());
        } catch (RuntimeException e) {
            appliedHash.remove(file); // e.g. ZooKeeper unavailable: try again at the next scan
            LOG.warn("{} not applied: {}", file, e.getMessage());
        }
    }

    /** A file's text, or why it was not read (the same while the file stays the same). */
    private record FileText(String text, String refused) {}

    /** The file's text (UTF-8), unless it is larger than maxSpecBytes: no more than that is read. */
    private FileText readWithinLimit(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(limits.maxSpecBytes() + 1);
            if (bytes.length > limits.maxSpecBytes()) {
                return new FileText(null, SpecParser.tooLarge(Files.size(file) + " bytes, written "
                        + Files.getLastModifiedTime(file), limits));
            }
            return new FileText(java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString(), null);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
