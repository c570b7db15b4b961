package io.mesosoperator.executor;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The executor writes few lines, to stderr (the agent puts them in the sandbox's stderr file). */
final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private Log() {}

    static void info(String message) {
        System.err.println(TIME.format(LocalDateTime.now()) + " mesos-operator-executor: " + message);
    }
}
