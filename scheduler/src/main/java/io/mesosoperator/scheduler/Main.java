package io.mesosoperator.scheduler;

import io.mesosoperator.scheduler.cli.ClientCommands;
import io.mesosoperator.scheduler.cli.RunCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** bin/mesos-operator: the server and embedded-mode commands, and the kubectl-like client. */
@Command(name = "mesos-operator", mixinStandardHelpOptions = true, version = "mesos-operator 0.1.0",
        description = "A Kubernetes-style operator for Apache Mesos.",
        subcommands = {
            RunCommands.Up.class, RunCommands.Cluster.class, RunCommands.Server.class,
            ClientCommands.Apply.class, ClientCommands.Get.class, ClientCommands.Describe.class,
            ClientCommands.Delete.class, ClientCommands.History.class, ClientCommands.Rollback.class,
            ClientCommands.Logs.class, ClientCommands.Watch.class, ClientCommands.Restart.class,
            ClientCommands.Replace.class, ClientCommands.Kill.class, ClientCommands.Plan.class, ClientCommands.Kubeconfig.class,
            io.mesosoperator.scheduler.cli.Diagnose.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        int code;
        try {
            code = new CommandLine(new Main())
                    .setExecutionExceptionHandler((e, cmd, parsed) -> {
                        cmd.getErr().println("error: " + describe(e));
                        return 1;
                    })
                    .execute(args);
        } catch (Throwable t) {
            System.err.println("error: " + describe(t));
            code = 1;
        }
        if (code != 0 || !keepsRunning(args)) {
            System.exit(code);
        }
    }

    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return "a port this command needs is already in use (" + t.getMessage()
                        + "); is another mesos-operator running? see --help for the port flags";
            }
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Server commands return once started; their threads keep the JVM alive until a signal. */
    private static boolean keepsRunning(String[] args) {
        return args.length > 0 && (args[0].equals("up") || args[0].equals("cluster") || args[0].equals("server"))
                && java.util.Arrays.stream(args).noneMatch(a -> a.equals("-h") || a.equals("--help"));
    }
}
