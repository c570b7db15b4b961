package io.mesosoperator.executor;

import io.mesosoperator.mesos.Backoff;
import io.mesosoperator.mesos.ExecutorContract;
import io.mesosoperator.mesos.TaskStates;
import io.mesosoperator.mesos.Uuids;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * The executor's protocol logic: subscribe, run what LAUNCH brings, report every state change as
 * an UPDATE, and keep each update until the agent ACKNOWLEDGES it (re-sending the unacknowledged
 * ones on re-subscription). Exits when every task is terminal and acknowledged.
 */
final class MesosExecutor {
    /**
     * How long an executor shared by several tasks stays after its last task ended, for the next
     * one (a rolling update or a restart relaunches on the same agent moments later).
     */
    static final Duration SHARED_IDLE_EXIT = Duration.ofSeconds(5);

    private final ExecutorSettings settings;
    private final Log log;
    private final AgentClient agent;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "executor-timer");
        t.setDaemon(true);
        return t;
    });
    /**
     * Sends the updates, one at a time in the order they were made, so that neither the event loop
     * (the next LAUNCH) nor a task's start waits for the agent's answer to the previous update.
     */
    private final java.util.concurrent.ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "executor-updates");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, TaskRun> running = new ConcurrentHashMap<>();
    private final Map<String, HealthChecker> checkers = new ConcurrentHashMap<>();
    private final Map<String, TaskInfo> launched = new ConcurrentHashMap<>();
    private final Map<String, TaskState> lastState = new ConcurrentHashMap<>();
    private final Map<String, java.nio.file.Path> sandboxes = new ConcurrentHashMap<>();
    /** Set once the executor has decided to exit: a task launched after that is left to the agent to report. */
    private volatile boolean exiting;
    private java.util.concurrent.ScheduledFuture<?> idleExit;
    /** Sent but not yet acknowledged updates, by uuid, in sending order. */
    private final Map<String, Call.Update> unacknowledged = new LinkedHashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile int exitCode;
    /** Set when the executor is destroyed from outside: it sends nothing more. */
    private volatile boolean destroyed;
    private volatile boolean shuttingDown;
    private volatile boolean killingStateCapable;

    MesosExecutor(ExecutorSettings settings, Log log) {
        this.settings = settings;
        this.log = log;
        this.agent = new AgentClient(settings.agentEndpoint());
    }

    int run() {
        log.info("starting executor " + settings.executorId() + " for framework " + settings.frameworkId()
                + ", agent " + settings.agentEndpoint());
        Thread events = new Thread(this::eventLoop, "executor-events");
        events.setDaemon(true);
        events.start();
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a process of its own exits now; inside an agent, these threads must end with it (the
        // event thread ends when the agent, seeing the executor gone, closes its stream)
        timer.shutdown();
        sender.shutdown();
        return exitCode;
    }

    private void eventLoop() {
        long disconnectedSince = -1;
        Backoff.Retries retries = Backoff.doubling(Duration.ofMillis(100), settings.subscriptionBackoffMax()).retries();
        while (finished.getCount() > 0) {
            try (AgentClient.EventStream events = agent.subscribe(subscribeCall())) {
                if (finished.getCount() == 0) {
                    return; // finished while subscribing
                }
                disconnectedSince = -1;
                retries.reset();
                for (Event event = events.next(); event != null; event = events.next()) {
                    handle(event);
                }
                log.info("agent closed the event stream");
            } catch (IOException e) {
                if (finished.getCount() == 0) {
                    return; // the stream was closed because the executor is done
                }
                log.info("lost connection to agent: " + e.getMessage());
            }
            if (finished.getCount() == 0) {
                return;
            }
            // executor-http-api.md "Disconnections": without checkpointing, exit; with it, retry
            // until the recovery timeout (the agent may be restarting).
            long now = System.nanoTime();
            if (disconnectedSince < 0) {
                disconnectedSince = now;
            }
            if (!settings.checkpoint() || now - disconnectedSince > settings.recoveryTimeout().toNanos()) {
                log.info("giving up on the agent; killing tasks and exiting");
                running.values().forEach(p -> p.kill(Duration.ZERO, timer));
                finish(1);
                return;
            }
            sleep(retries.nextDelay());
        }
    }

    private Call subscribeCall() {
        Call.Subscribe.Builder subscribe = Call.Subscribe.newBuilder();
        synchronized (unacknowledged) {
            subscribe.addAllUnacknowledgedUpdates(unacknowledged.values());
        }
        // tasks launched but with no update yet must be declared, or the agent drops them
        launched.values().stream()
                .filter(t -> !lastState.containsKey(t.getTaskId().getValue()))
                .forEach(subscribe::addUnacknowledgedTasks);
        return baseCall(Call.Type.SUBSCRIBE).setSubscribe(subscribe).build();
    }

    private Call.Builder baseCall(Call.Type type) {
        return Call.newBuilder()
                .setType(type)
                .setFrameworkId(FrameworkID.newBuilder().setValue(settings.frameworkId()))
                .setExecutorId(ExecutorID.newBuilder().setValue(settings.executorId()));
    }

    private void handle(Event event) {
        switch (event.getType()) {
            case SUBSCRIBED -> {
                FrameworkInfo framework = event.getSubscribed().getFrameworkInfo();
                killingStateCapable = framework.getCapabilitiesList().stream()
                        .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.TASK_KILLING_STATE);
                log.info("subscribed to agent " + event.getSubscribed().getAgentInfo().getId().getValue());
            }
            case LAUNCH -> launch(event.getLaunch().getTask());
            case LAUNCH_GROUP -> event.getLaunchGroup().getTaskGroup().getTasksList().forEach(this::launch);
            case KILL -> kill(event.getKill().getTaskId(), event.getKill().hasKillPolicy()
                    && event.getKill().getKillPolicy().hasGracePeriod()
                    ? Duration.ofNanos(event.getKill().getKillPolicy().getGracePeriod().getNanoseconds()) : null);
            case ACKNOWLEDGED -> acknowledged(Uuids.toText(event.getAcknowledged().getUuid()));
            case SHUTDOWN -> shutdown();
            case MESSAGE -> log.info("message from scheduler: " + event.getMessage().getData().size() + " bytes");
            case ERROR -> log.info("error from agent: " + event.getError().getMessage());
            case HEARTBEAT -> { }
            default -> log.info("ignoring unknown event type " + event.getType());
        }
    }

    private void launch(TaskInfo task) {
        String id = task.getTaskId().getValue();
        synchronized (this) {
            if (exiting) {
                // the agent reports it lost once this process is gone, and the scheduler launches it anew
                log.info("not launching " + id + ": this executor is exiting");
                return;
            }
            if (idleExit != null) {
                idleExit.cancel(false);
                idleExit = null;
            }
        }
        if (launched.putIfAbsent(id, task) != null) {
            return; // re-delivered after re-subscription
        }
        java.nio.file.Path sandbox;
        try {
            // Mesos' command executor runs its one task in its own sandbox
            sandbox = settings.commandExecutor() ? settings.sandbox() : TaskSandbox.create(settings.sandbox(), id);
        } catch (IOException e) {
            update(task.getTaskId(), TaskState.TASK_FAILED, "Failed to create the task's sandbox: " + e.getMessage(), null);
            return;
        }
        sandboxes.put(id, sandbox);
        update(task.getTaskId(), TaskState.TASK_STARTING, null, null);
        TaskProcess process;
        // starting and stopping exclude each other: a process started while shutdown() or destroy()
        // looks at `running` would be missed by them and outlive the executor
        synchronized (this) {
            if (stopping()) {
                log.info("not starting " + id + ": this executor is stopping");
                return;
            }
            if (!settings.commandExecutor() && SparkRunner.wanted(task)) {
                launchSpark(task, sandbox);
                return;
            }
            try {
                process = TaskProcess.start(task, sandbox, settings);
            } catch (IOException e) {
                update(task.getTaskId(), TaskState.TASK_FAILED, "Failed to launch command: " + e.getMessage(), null);
                return;
            }
            running.put(id, process);
        }
        log.info("started task " + id + " as pid " + process.pid());
        update(task.getTaskId(), TaskState.TASK_RUNNING, null, null);
        if (task.hasHealthCheck()) {
            // mesos-executor checks the loopback only; ours also the task's own address
            String taskHost = settings.commandExecutor() ? null : process.variable("MESOS_OPERATOR_HOST");
            HealthChecker checker = new HealthChecker(task.getHealthCheck(), sandbox, taskHost,
                    new HealthChecker.Listener() {
                @Override
                public void healthChanged(boolean healthy, String message) {
                    if (!process.killRequested()) {
                        update(task.getTaskId(), TaskState.TASK_RUNNING, message, healthy);
                    }
                }

                @Override
                public void unhealthyTooLong(String message) {
                    log.info("killing task " + id + ": " + message);
                    process.kill(gracePeriod(task, null), timer);
                }
            });
            checkers.put(id, checker);
            checker.start(timer);
        }
        process.onExit().thenAccept(p -> exited(process, p.exitValue()));
    }

    /** A Spark application: the runner decides RUNNING and the end from the SparkAppHandle. */
    private void launchSpark(TaskInfo task, java.nio.file.Path sandbox) {
        String id = task.getTaskId().getValue();
        SparkRunner runner = new SparkRunner(task, sandbox, (state, message) -> {
            update(task.getTaskId(), state, message, null);
            if (TaskStates.isTerminal(state)) {
                ended(id);
            }
        }, log);
        running.put(id, runner);
        try {
            runner.start();
        } catch (IOException | RuntimeException e) {
            update(task.getTaskId(), TaskState.TASK_FAILED, "Failed to launch the Spark application: " + e.getMessage(), null);
            ended(id);
        }
    }

    private void exited(TaskProcess process, int exitValue) {
        String id = process.task().getTaskId().getValue();
        HealthChecker checker = checkers.remove(id);
        if (checker != null) {
            checker.stop();
        }
        TaskState state = process.killRequested() ? TaskState.TASK_KILLED
                : exitValue == 0 ? TaskState.TASK_FINISHED : TaskState.TASK_FAILED;
        String message = TaskProcess.describeExit(exitValue);
        if (state == TaskState.TASK_FAILED && !settings.commandExecutor()) {
            // the command executor's message stays Mesos' own; ours says what the process said last
            String tail = process.outputTail();
            message += tail.isEmpty() ? "" : "; last output: " + tail;
        }
        log.info("task " + id + " ended: " + message + " -> " + state);
        update(process.task().getTaskId(), state, message, null);
        ended(id);
    }

    /**
     * A task leaves {@code running} only once its terminal update is queued as unacknowledged: a
     * shutting-down executor that saw neither would exit before reporting it, and the agent would
     * report "Executor terminated" in its place. Its update may already be acknowledged, hence the check.
     */
    private void ended(String id) {
        running.remove(id);
        checkFinished();
    }

    private void kill(TaskID taskId, Duration grace) {
        TaskRun process = running.get(taskId.getValue());
        if (process == null) {
            if (!launched.containsKey(taskId.getValue())) {
                // never launched here: still answer with a terminal update, as Mesos expects
                update(taskId, TaskState.TASK_KILLED, "Task was never launched by this executor", null);
            }
            return;
        }
        if (killingStateCapable && lastState.get(taskId.getValue()) != TaskState.TASK_KILLING) {
            update(taskId, TaskState.TASK_KILLING, null, null); // once, as Mesos' command executor: a kill retried is no news
        }
        log.info("killing task " + taskId.getValue());
        process.kill(gracePeriod(process.task(), grace), timer);
    }

    private Duration gracePeriod(TaskInfo task, Duration fromKill) {
        if (fromKill != null) {
            return fromKill;
        }
        if (task.hasKillPolicy() && task.getKillPolicy().hasGracePeriod()) {
            return Duration.ofNanos(task.getKillPolicy().getGracePeriod().getNanoseconds());
        }
        return Duration.ofSeconds(3);
    }

    private void shutdown() {
        log.info("shutdown requested by agent");
        List<TaskRun> stopping;
        synchronized (this) {
            shuttingDown = true;
            stopping = List.copyOf(running.values());
        }
        // Mesos' command executor gives its task the task's own grace period (the agent's shutdown
        // grace period is set to outlast it); a shared executor splits the agent's among its tasks
        stopping.forEach(p -> p.kill(settings.commandExecutor() ? gracePeriod(p.task(), null)
                : settings.shutdownGracePeriod().dividedBy(2), timer));
        // whatever happens, leave within the grace period the agent gives us
        Timers.later(timer, settings.shutdownGracePeriod(), () -> finish(0));
        checkFinished();
    }

    /** SIGTERM, as the agent sends it when it stops: the tasks are stopped and the executor leaves. */
    void terminate() {
        shutdown();
    }

    /** SIGKILL: the tasks die at once, nothing more is sent, and the executor is gone with exit value 137. */
    void destroy() {
        List<TaskRun> killing;
        synchronized (this) {
            destroyed = true;
            exiting = true;
            killing = List.copyOf(running.values());
        }
        killing.forEach(p -> p.destroyNow(timer));
        finish(128 + 9);
    }

    /** Whether no task may start any more: the executor is shutting down, exiting or destroyed. */
    private synchronized boolean stopping() {
        return shuttingDown || exiting;
    }

    private void update(TaskID taskId, TaskState state, String message, Boolean healthy) {
        if (destroyed) {
            return;
        }
        TaskStatus.Builder status = TaskStatus.newBuilder()
                .setTaskId(taskId)
                .setState(state)
                .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                .setExecutorId(ExecutorID.newBuilder().setValue(settings.executorId()))
                .setTimestamp(System.currentTimeMillis() / 1000.0)
                .setUuid(Uuids.random());
        if (!settings.commandExecutor()) {
            // where the task's own directory is (Mesos' command executor adds no label: its task
            // runs in the executor's sandbox, which the agent serves under a virtual path)
            status.setLabels(Labels.newBuilder().addLabels(Label.newBuilder()
                    .setKey(ExecutorContract.SANDBOX_LABEL).setValue(sandboxes.getOrDefault(taskId.getValue(), settings.sandbox()).toString())));
        }
        if (message != null) {
            status.setMessage(message);
        }
        if (healthy != null) {
            status.setHealthy(healthy).setReason(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
        }
        Call.Update update = Call.Update.newBuilder().setStatus(status).build();
        Call call = baseCall(Call.Type.UPDATE).setUpdate(update).build();
        // As Mesos' executors: nothing follows a task's terminal update (a kill racing the task's own
        // end would send TASK_KILLING after TASK_KILLED). The lock keeps check, record and send in one order.
        synchronized (lastState) {
            TaskState previous = lastState.get(taskId.getValue());
            if (previous != null && TaskStates.isTerminal(previous)) {
                log.info("not sending " + state + " for " + taskId.getValue() + ": it already ended " + previous);
                return;
            }
            lastState.put(taskId.getValue(), state);
            synchronized (unacknowledged) {
                unacknowledged.put(Uuids.toText(status.getUuid()), update);
            }
            sender.execute(() -> {
                try {
                    agent.send(call);
                } catch (IOException e) {
                    // kept in `unacknowledged`; re-sent with the next SUBSCRIBE
                    log.info("could not send " + state + " for " + taskId.getValue() + ": " + e.getMessage());
                }
            });
        }
    }

    private void acknowledged(String uuid) {
        synchronized (unacknowledged) {
            unacknowledged.remove(uuid);
        }
        checkFinished();
    }

    private void checkFinished() {
        if (!idle()) {
            return;
        }
        if (shuttingDown || !shared()) {
            exit();
        } else {
            synchronized (this) {
                if (idleExit == null && !exiting) {
                    idleExit = timer.schedule(this::exitIfStillIdle, SHARED_IDLE_EXIT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /** Every launched task is terminal (or, when shutting down, stopped) and every update acknowledged. */
    private boolean idle() {
        // `running` is read before `unacknowledged`: a task leaves the first only after its last
        // update entered the second (see ended), so no task is missed between the two reads
        boolean noneRunning = running.isEmpty();
        boolean allTerminal = noneRunning && !launched.isEmpty()
                && launched.keySet().stream().allMatch(id -> TaskStates.isTerminal(lastState.get(id)));
        synchronized (unacknowledged) {
            return unacknowledged.isEmpty() && (allTerminal || (shuttingDown && noneRunning));
        }
    }

    /** A task-per-executor executor is named after its task (see the scheduler's TaskFactory); a shared one is not. */
    private boolean shared() {
        return !settings.commandExecutor() && !launched.containsKey(settings.executorId());
    }

    private void exitIfStillIdle() {
        synchronized (this) {
            idleExit = null;
            if (!idle()) {
                return; // a task came meanwhile
            }
        }
        exit();
    }

    private void exit() {
        log.info("all tasks terminal and acknowledged; exiting");
        finish(0);
    }

    /** The executor is done: {@link #run()} returns {@code code} (the first one given). */
    private void finish(int code) {
        synchronized (this) {
            if (finished.getCount() > 0) {
                exitCode = code;
            }
            exiting = true;
        }
        finished.countDown();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
