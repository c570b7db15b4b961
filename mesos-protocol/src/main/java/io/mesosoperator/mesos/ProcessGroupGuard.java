package io.mesosoperator.mesos;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts a command as the leader of a process group (and session) of its own that cannot outlive
 * the JVM that started it, whichever way that JVM ends (even SIGKILL, when no shutdown hook runs).
 * mesos-local runs executors and command tasks on behalf of agents that live in the JVM of
 * {@code up}: where a real agent's containerizer would destroy a container, nothing is left to do
 * it once that JVM is gone, and a task would live on with parent 1.
 *
 * <p>{@code setsid sh -c SCRIPT guard COMMAND...}: the shell forks a guard into the new group and
 * then execs the command, which keeps the shell's pid (the started {@link Process} is the command
 * itself, and its exit value the command's). The guard waits for end-of-file on the pipe from this
 * JVM: the process's stdin, which the ProcessBuilder must leave a pipe (the command reads /dev/null
 * instead). That comes when the JVM reaps the command (it closes a process's stdin once it exited)
 * or when the JVM dies, and the guard then SIGKILLs the whole group: the command and whatever it
 * left behind, as a Mesos agent destroys a container whose executor ended. A group lives while any
 * member does, so its id cannot go to another process while the guard is in it. The guard ignores
 * SIGTERM, so a graceful stop of the group leaves it there to finish off what escaped.
 */
public final class ProcessGroupGuard {
    private ProcessGroupGuard() {}

    private static final String SCRIPT = "exec 3<&0 </dev/null; "
            + "(trap '' TERM HUP INT; while read -r line <&3; do :; done; kill -KILL 0) & "
            + "exec 3<&- \"$@\"";

    /** The argv that runs {@code command} guarded, in a session and process group of its own. */
    public static List<String> argv(List<String> command) {
        List<String> argv = new ArrayList<>(List.of("setsid", "/bin/sh", "-c", SCRIPT, "process-group-guard"));
        argv.addAll(command);
        return argv;
    }
}
