package io.mesosoperator.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputTailTest {
    @TempDir
    Path dir;

    @Test
    void theLastNonBlankLinesOfWhatTheProcessWrote() throws Exception {
        Path stderr = Files.writeString(dir.resolve("stderr"), "starting\nloading config\n\n"
                + "Error: Exception thrown by the agent : java.rmi.server.ExportException: Port already in use: 20003\n"
                + "  nested exception is: java.net.BindException: Address already in use\n\n");
        assertThat(OutputTail.of(stderr)).isEqualTo("loading config"
                + " | Error: Exception thrown by the agent : java.rmi.server.ExportException: Port already in use: 20003"
                + " | nested exception is: java.net.BindException: Address already in use");
    }

    @Test
    void aLongOutputIsCutToItsEndAndAMissingFileIsNothing() throws Exception {
        Path stdout = Files.writeString(dir.resolve("stdout"), "x".repeat(20_000) + "\n" + "y".repeat(500) + "\nfatal: boom\n");
        String tail = OutputTail.of(stdout);
        assertThat(tail).startsWith("...").endsWith("y | fatal: boom").hasSize(OutputTail.MAX_CHARS + 3);
        assertThat(tail).doesNotContain("x"); // the read's first line was a fragment of a longer one
        assertThat(OutputTail.of(dir.resolve("absent"))).isEmpty();
    }
}
