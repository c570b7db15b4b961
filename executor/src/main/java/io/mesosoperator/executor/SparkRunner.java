package io.mesosoperator.executor;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mesosoperator.mesos.ExecutorContract;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;

/**
 * Runs a task as a Spark application (task environment {@code MESOS_OPERATOR_RUNNER=spark}): the
 * driver is started with {@link SparkLauncher#startApplication} from the SPARK_HOME fetched into
 * the sandbox, and {@link SparkAppHandle} states become task states: RUNNING once the driver runs
 * (the application id in the message), and at the end FINISHED, FAILED or KILLED.
 * <p>
 * The end is decided only once the spark-submit process has exited: a driver that throws reports
 * FINISHED first (SparkContext.stop), and the launcher turns it into FAILED only when it sees the
 * non-zero exit about 0.1 s later (dists/README.md, Spark pitfalls). Success is exit code 0 and a
 * state that is neither FAILED nor KILLED.
 * <p>
 * What to run comes as JSON in {@value #SETTINGS_ENV}: {@code sparkHome, appResource, mainClass,
 * appName, master, args[], conf{}, driverMemory}; strings may use the task's variables as
 * {@code ${NAME}}. The driver's stdout and stderr are the task's {@code stdout}, where Mesos tools
 * (the web UI, {@code logs}) look first; {@value #DRIVER_LOG} links to it by the name the job's
 * status gives.
 */
final class SparkRunner implements TaskRun {
    static final String SETTINGS_ENV = ExecutorContract.SPARK_SETTINGS_ENV;
    static final String DRIVER_LOG = ExecutorContract.SPARK_DRIVER_LOG;

    /** Receives the task states this runner decides, with their messages. */
    interface Reporter {
        void report(TaskState state, String message);
    }

    private final TaskInfo task;
    private final Path sandbox;
    private final Reporter reporter;
    private final Log log;
    private volatile SparkAppHandle handle;
    private volatile Process process;
    private volatile boolean killRequested;
    private volatile boolean running;
    private volatile String reportedAppId;
    private volatile boolean ended;

    SparkRunner(TaskInfo task, Path sandbox, Reporter reporter, Log log) {
        this.log = log;
        this.task = task;
        this.sandbox = sandbox;
        this.reporter = reporter;
    }

    /** Whether the task asks for this runner. */
    static boolean wanted(TaskInfo task) {
        try {
            return ExecutorContract.SPARK_RUNNER.equals(TaskProcess.variablesOf(TaskProcess.commandOf(task)).get(ExecutorContract.RUNNER_ENV));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public TaskInfo task() {
        return task;
    }

    /** Starts the driver; the outcome arrives through the reporter. */
    void start() throws IOException {
        Map<String, String> env = TaskProcess.variablesOf(TaskProcess.commandOf(task));
        env.put("MESOS_TASK_ID", task.getTaskId().getValue());
        env.put("MESOS_SANDBOX", sandbox.toString()); // the task's own, as Mesos gives a task of a group
        ConfigFiles.render(env, sandbox);
        String json = env.get(SETTINGS_ENV);
        if (json == null || json.isBlank()) {
            throw new IOException(SETTINGS_ENV + " is not set: the task does not say what to run");
        }
        JsonObject settings = ConfigFiles.substitute(JsonParser.parseString(json), env).getAsJsonObject();
        Path sparkHome = sandbox.resolve(text(settings, "sparkHome", "spark")).normalize();
        if (!Files.isExecutable(sparkHome.resolve("bin/spark-submit"))) {
            throw new IOException("no SPARK_HOME at " + sparkHome + " (bin/spark-submit missing): was the Spark"
                    + " distribution fetched and extracted?");
        }
        // the child's environment: the task's variables, a JAVA_HOME for bin/spark-submit, a bind address
        Map<String, String> childEnv = new HashMap<>(env);
        childEnv.remove(ConfigFiles.ENV);
        childEnv.putIfAbsent("JAVA_HOME", javaHome(env.get("MESOS_OPERATOR_JAVA")));
        childEnv.putIfAbsent("SPARK_LOCAL_IP", env.getOrDefault("MESOS_OPERATOR_HOST", "127.0.0.1"));
        childEnv.put("SPARK_HOME", sparkHome.toString());

        SparkLauncher launcher = new SparkLauncher(childEnv)
                .setSparkHome(sparkHome.toString())
                .directory(sandbox.toFile())
                .setAppResource(localOrUri(text(settings, "appResource", null)))
                .setMaster(text(settings, "master", "local[1]"))
                .setAppName(text(settings, "appName", task.getName()))
                .setConf(SparkLauncher.DRIVER_MEMORY, text(settings, "driverMemory", "512m"))
                .setConf("spark.ui.enabled", "false")
                .redirectOutput(sandbox.resolve("stdout").toFile())
                .redirectError();
        String mainClass = text(settings, "mainClass", null);
        if (mainClass != null) {
            launcher.setMainClass(mainClass);
        }
        if (settings.has("conf")) {
            for (Map.Entry<String, JsonElement> c : settings.getAsJsonObject("conf").entrySet()) {
                launcher.setConf(c.getKey(), c.getValue().getAsString());
            }
        }
        List<String> args = new ArrayList<>();
        if (settings.has("args")) {
            settings.getAsJsonArray("args").forEach(a -> args.add(a.getAsString()));
        }
        launcher.addAppArgs(args.toArray(String[]::new));
        Files.createSymbolicLink(sandbox.resolve(DRIVER_LOG), Path.of("stdout"));
        log.info("starting Spark application " + task.getName() + " (" + mainClass + ") from " + sparkHome);
        handle = launcher.startApplication(new SparkAppHandle.Listener() {
            @Override
            public void stateChanged(SparkAppHandle h) {
                changed(h);
            }

            @Override
            public void infoChanged(SparkAppHandle h) {
                changed(h);
            }
        });
        process = childProcess(handle);
        if (killRequested) {
            handle.kill(); // the kill came while the driver was being started
        }
        Thread watcher = new Thread(this::awaitEnd, "spark-driver-" + task.getTaskId().getValue());
        watcher.setDaemon(true);
        watcher.start();
    }

    /** RUNNING once the driver runs, again when its application id becomes known. */
    private synchronized void changed(SparkAppHandle h) {
        SparkAppHandle.State state = h.getState();
        log.info("Spark application " + h.getAppId() + " is " + state);
        if (ended || killRequested || state != SparkAppHandle.State.RUNNING) {
            return;
        }
        String appId = h.getAppId();
        if (!running || (appId != null && !appId.equals(reportedAppId))) {
            running = true;
            reportedAppId = appId;
            reporter.report(TaskState.TASK_RUNNING, message(appId, "RUNNING", null));
        }
    }

    /** Waits for spark-submit to exit and for the handle's state to settle, then reports the end. */
    private void awaitEnd() {
        Integer exitCode = null;
        try {
            if (process != null) {
                exitCode = process.waitFor();
                // the launcher overrides FINISHED with FAILED right after it sees a non-zero exit
                awaitFinal(Duration.ofSeconds(5));
            } else {
                awaitFinal(Duration.ofDays(365));
                Thread.sleep(1500); // no process to watch: let a FINISHED-then-FAILED settle
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SparkAppHandle.State state = handle.getState();
        TaskState outcome = outcome(killRequested, exitCode, state);
        String shown = outcome == TaskState.TASK_KILLED ? "KILLED" : outcome == TaskState.TASK_FINISHED ? "FINISHED"
                : state == SparkAppHandle.State.FINISHED || !state.isFinal() ? "FAILED" : state.name();
        synchronized (this) {
            ended = true;
        }
        log.info("Spark application ended: state " + state + ", spark-submit exit code " + exitCode + " -> " + outcome);
        reporter.report(outcome, message(handle.getAppId(), shown, exitCode));
    }

    /**
     * How an application ended, once spark-submit exited: KILLED when the operator asked; else
     * FINISHED only for exit code 0 and a state that is neither FAILED nor KILLED (a driver that
     * threw may still say FINISHED, its exit code does not). Without an exit code, the settled state.
     */
    static TaskState outcome(boolean killRequested, Integer exitCode, SparkAppHandle.State state) {
        if (killRequested) {
            return TaskState.TASK_KILLED;
        }
        boolean succeeded = exitCode == null ? state == SparkAppHandle.State.FINISHED
                : exitCode == 0 && state != SparkAppHandle.State.FAILED && state != SparkAppHandle.State.KILLED;
        return succeeded ? TaskState.TASK_FINISHED : TaskState.TASK_FAILED;
    }

    private void awaitFinal(Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!handle.getState().isFinal() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /**
     * The status message the operator reads: {@code Spark application APP_ID STATE}, then the
     * exit code and where the driver's log is. APP_ID is "-" while unknown.
     */
    static String message(String appId, String state, Integer exitCode) {
        return "Spark application " + (appId == null || appId.isEmpty() ? "-" : appId) + " " + state
                + (exitCode == null ? "" : " (spark-submit exit code " + exitCode + ")") + "; driver log: " + DRIVER_LOG;
    }

    /** Asks the driver to stop, SIGTERMs spark-submit's process tree, and kills it after the grace period. */
    @Override
    public void kill(Duration gracePeriod, ScheduledExecutorService timer) {
        killRequested = true;
        SparkAppHandle h = handle;
        if (h == null) {
            return;
        }
        try {
            if (h.getState() == SparkAppHandle.State.RUNNING || h.getState() == SparkAppHandle.State.CONNECTED) {
                h.stop();
            }
        } catch (RuntimeException e) {
            log.info("could not ask the Spark application to stop: " + e.getMessage());
        }
        Process p = process;
        // the tree as it is now: what spark-submit started is no longer its descendant once it is gone
        List<ProcessHandle> tree = p == null ? List.of() : p.descendants().toList();
        if (p != null && p.isAlive()) {
            tree.forEach(ProcessHandle::destroy);
            p.destroy();
        }
        Timers.later(timer, gracePeriod, () -> {
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
            }
            h.kill();
        });
    }

    /**
     * spark-submit's process, to wait for its exit code: ChildProcAppHandle keeps it in a private
     * field (spark-launcher 3.5.7); else the executor's only child process (one task per executor).
     */
    private Process childProcess(SparkAppHandle handle) {
        try {
            Field field = handle.getClass().getDeclaredField("childProc");
            field.setAccessible(true);
            return (Process) field.get(handle);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.info("cannot see spark-submit's process (" + e + "); deciding on the handle's state alone");
            return null;
        }
    }

    /** JAVA_HOME from the java the agent runs executors with, else this JVM's. */
    static String javaHome(String javaCommand) {
        Optional<String> command = javaCommand != null && javaCommand.contains("/") ? Optional.of(javaCommand)
                : ProcessHandle.current().info().command();
        Path java = command.map(Path::of).orElse(null);
        if (java != null && java.getParent() != null && java.getParent().getParent() != null) {
            return java.getParent().getParent().toString();
        }
        return System.getProperty("java.home");
    }

    /** A fetched file is used from the sandbox; what was not fetched (hdfs://, http://) goes to Spark as is. */
    private String localOrUri(String resource) throws IOException {
        if (resource == null) {
            throw new IOException("no appResource: the task does not name the application's jar");
        }
        String base = resource.replaceFirst("[?#].*$", "");
        base = base.substring(base.lastIndexOf('/') + 1);
        File local = sandbox.resolve(base).toFile();
        return local.isFile() ? local.getAbsolutePath() : resource;
    }

    private static String text(JsonObject o, String key, String fallback) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : fallback;
    }
}
