package io.mesosoperator.executor;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The executor writes few lines: as a process of its own to stderr (the agent puts them in the
 * sandbox's stderr file); run inside a mesos-local agent, straight to that file.
 */
final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    static final Log STDERR = new Log(System.err, "mesos-operator-executor");

    private final PrintStream out;
    private final String name;

    Log(PrintStream out, String name) {
        this.out = out;
        this.name = name;
    }

    void info(String message) {
        out.println(TIME.format(LocalDateTime.now()) + " " + name + ": " + message);
    }
}
