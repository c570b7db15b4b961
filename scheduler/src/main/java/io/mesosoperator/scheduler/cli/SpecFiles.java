package io.mesosoperator.scheduler.cli;

import io.mesosoperator.scheduler.spec.InvalidSpecException;
import io.mesosoperator.scheduler.spec.ReferenceGraph;
import io.mesosoperator.scheduler.spec.References;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The specs of {@code apply -f} and {@code delete -f}: one file, or the *.yaml, *.yml and *.json
 * files of a directory (not of its subdirectories), one resource each, in an order where a resource
 * comes after the resources it references (spec/References), and otherwise by file name.
 */
final class SpecFiles {
    private SpecFiles() {}

    /**
     * One file: its text, or why it could not be read; the resource it holds and the resources it
     * references, when the text could be parsed (the API names what is wrong with one that cannot).
     */
    record SpecFile(Path path, String text, String unreadable, ResourceKey key, Set<ResourceKey> targets) {
        String contentType() {
            return path.toString().endsWith(".json") ? "application/json" : "application/yaml";
        }
    }

    /**
     * The specs at {@code fileOrDirectory}, referenced resources first ({@code verb}: what a refusal says cannot be done).
     *
     * @throws ApiClient.CliException when there is no such file, or the specs reference each other in a cycle
     */
    static List<SpecFile> read(Path fileOrDirectory, String verb) {
        List<Path> paths = new ArrayList<>();
        if (Files.isDirectory(fileOrDirectory)) {
            try (Stream<Path> listing = Files.list(fileOrDirectory)) {
                listing.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().matches(".*\\.(ya?ml|json)$"))
                        .sorted().forEach(paths::add);
            } catch (IOException e) {
                throw new ApiClient.CliException("cannot list " + fileOrDirectory + ": " + e.getMessage());
            }
        } else if (Files.isRegularFile(fileOrDirectory)) {
            paths.add(fileOrDirectory);
        } else {
            throw new ApiClient.CliException(fileOrDirectory + ": no such file or directory");
        }
        List<SpecFile> files = paths.stream().map(SpecFiles::readOne).toList();
        try {
            // a file that could not be parsed stands for itself: it references nothing
            return ReferenceGraph.order(files, f -> f.key() != null ? f.key() : new ResourceKey("file", f.path().toString()),
                    SpecFile::targets);
        } catch (ReferenceGraph.CycleException e) {
            String where = files.stream().filter(f -> e.cycle().contains(f.key())).map(f -> f.path().getFileName().toString())
                    .distinct().collect(Collectors.joining(", "));
            throw new ApiClient.CliException("cannot " + verb + " " + fileOrDirectory + ": " + e.getMessage() + " (" + where
                    + "); resources that wait for each other's status never start");
        }
    }

    private static SpecFile readOne(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            return new SpecFile(path, null, "cannot read: " + e.getMessage(), null, Set.of());
        }
        try {
            var tree = SpecParser.parse(text).tree();
            String kind = tree.path("kind").asText("");
            String name = tree.path("metadata").path("name").asText("");
            ResourceKey key = kind.isEmpty() || name.isEmpty() ? null : new ResourceKey(kind, name);
            return new SpecFile(path, text, null, key, References.targets(tree.path("spec")));
        } catch (InvalidSpecException e) {
            return new SpecFile(path, text, null, null, Set.of());
        }
    }
}
