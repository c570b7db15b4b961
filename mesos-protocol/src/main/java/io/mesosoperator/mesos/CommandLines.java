package io.mesosoperator.mesos;

import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.CommandInfo;

/** How Mesos turns a CommandInfo into a process's argv (mesos.proto CommandInfo.shell). */
public final class CommandLines {
    private CommandLines() {}

    /**
     * shell: {@code /bin/sh -c value}; otherwise {@code value} is the program and {@code arguments}
     * its argv, of which argv[0] (the program's name) is not passed on again.
     */
    public static List<String> argv(CommandInfo command) {
        List<String> argv = new ArrayList<>();
        if (command.getShell()) {
            argv.addAll(List.of("/bin/sh", "-c", command.getValue()));
        } else {
            argv.add(command.getValue());
            argv.addAll(command.getArgumentsList().subList(Math.min(1, command.getArgumentsCount()), command.getArgumentsCount()));
        }
        return argv;
    }
}
