package io.mesosoperator.local;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.mesos.v1.Protos.CommandInfo;

/**
 * Brings a CommandInfo's URIs into a sandbox, like the Mesos fetcher: file:// (or plain paths) are
 * copied, http(s):// downloaded; archives are extracted when {@code extract} (default true);
 * {@code executable} sets the x bit; {@code output_file} renames.
 */
final class Fetcher {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private Fetcher() {}

    static void fetch(CommandInfo.URI uri, Path sandbox) throws IOException, InterruptedException {
        String value = uri.getValue();
        String name = uri.hasOutputFile() ? uri.getOutputFile() : baseName(value);
        Path target = sandbox.resolve(name);
        if (value.startsWith("http://") || value.startsWith("https://")) {
            HttpResponse<Path> response = HTTP.send(HttpRequest.newBuilder(URI.create(value)).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(target));
            if (response.statusCode() / 100 != 2) {
                Files.deleteIfExists(target);
                throw new IOException("HTTP " + response.statusCode() + " fetching " + value);
            }
        } else {
            Path source = value.startsWith("file://") ? Path.of(URI.create(value)) : Path.of(value);
            if (!Files.isRegularFile(source)) {
                throw new IOException("Failed to fetch '" + value + "': no such file");
            }
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (uri.getExecutable()) {
            target.toFile().setExecutable(true);
        } else if (uri.getExtract() && isArchive(name)) {
            extract(target, sandbox);
        }
    }

    private static String baseName(String value) {
        String path = value.replaceFirst("[?#].*$", "");
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static boolean isArchive(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".tar") || n.endsWith(".tar.gz") || n.endsWith(".tgz") || n.endsWith(".tar.bz2")
                || n.endsWith(".tar.xz") || n.endsWith(".zip");
    }

    private static void extract(Path archive, Path into) throws IOException, InterruptedException {
        if (archive.toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    Path out = into.resolve(e.getName()).normalize();
                    if (!out.startsWith(into)) {
                        throw new IOException("zip entry escapes the sandbox: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(out);
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return;
        }
        Process tar = new ProcessBuilder("tar", "-xf", archive.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        String output;
        try (InputStream in = tar.getInputStream()) {
            output = new String(in.readAllBytes());
        }
        if (!tar.waitFor(10, TimeUnit.MINUTES) || tar.exitValue() != 0) {
            throw new IOException("Failed to extract " + archive.getFileName() + ": " + output.trim());
        }
    }
}
