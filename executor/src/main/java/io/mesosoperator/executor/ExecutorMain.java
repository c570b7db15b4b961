package io.mesosoperator.executor;

/**
 * Entry point of the custom executor. A Mesos agent (real or mesos-local) starts it in the task's
 * sandbox with the MESOS_* environment; it subscribes to the agent's v1 executor API, runs the
 * tasks it is given and exits once they are terminal and acknowledged.
 */
public final class ExecutorMain {
    private ExecutorMain() {}

    public static void main(String[] args) {
        ExecutorSettings settings;
        try {
            settings = ExecutorSettings.fromEnvironment(System.getenv());
        } catch (RuntimeException e) {
            System.err.println("mesos-operator-executor: " + e.getMessage());
            System.exit(2);
            return;
        }
        int code = new MesosExecutor(settings, Log.STDERR).run();
        System.exit(code);
    }
}
