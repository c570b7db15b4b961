package io.mesosoperator.executor;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The last few non-blank lines of a task's output file, short enough for a status message. */
final class OutputTail {
    /** How much of the file's end is read: a stack trace's last frames fit, a whole log does not. */
    static final int READ_BYTES = 8192;
    static final int LINES = 3;
    static final int MAX_CHARS = 400;

    private OutputTail() {}

    /** The last {@value #LINES} non-blank lines joined with " | ", at most {@value #MAX_CHARS} characters; "" if none. */
    static String of(Path file) {
        String text;
        boolean cut;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, in.length() - READ_BYTES);
            byte[] bytes = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            cut = start > 0;
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // no such file, or unreadable: the exit status alone is the message
        }
        List<String> lines = new ArrayList<>(Arrays.stream(text.split("\r?\n")).map(String::strip)
                .filter(l -> !l.isEmpty()).toList());
        if (cut && !lines.isEmpty()) {
            lines.remove(0); // cut at the read's start: the first line may be a fragment
        }
        String tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - LINES), lines.size()));
        return tail.length() <= MAX_CHARS ? tail : "..." + tail.substring(tail.length() - MAX_CHARS);
    }
}
