package io.mesosoperator.scheduler.spark;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.jobs.JobStatus;
import io.mesosoperator.scheduler.kind.KindCall;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's side of the Spark plugin's executor API (docs/spark-executors.md), pure: the
 * driver's calls change the run's {@link ExecutorSet}; each reconciliation turns the set into
 * executor tasks to launch (one Mesos task per executor, placed like any pod, spread over agents by
 * their group) and tasks to kill (asked for by the driver, or of a driver attempt that ended); an
 * executor that ended without being asked is replaced while the driver's total stands, up to a
 * failure limit.
 *
 * <p>Executor tasks carry the pod group {@value #GROUP} and the instance
 * {@code 100000000 + run × 1000 + id}, apart from the drivers' instances (the run numbers).
 */
final class SparkExecutors {
    static final String GROUP = "exec";
    /** Where a run keeps its executor set in the job's status. */
    static final String SET_FIELD = "executorSet";
    /** An executor task's labels beside every task's: the run, the driver attempt and Spark's executor id. */
    static final String RUN_LABEL = "mesos-operator.io/spark-run";
    static final String ATTEMPT_LABEL = "mesos-operator.io/spark-attempt";
    static final String EXECUTOR_LABEL = "mesos-operator.io/spark-executor-id";
    private static final int BASE = 100_000_000;
    private static final int IDS_PER_RUN = 1000;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Pattern EXIT_STATUS = Pattern.compile("exited with status (\\d+)");

    private SparkExecutors() {}

    static boolean isExecutorTask(TaskRecord task) {
        return GROUP.equals(task.group());
    }

    static int instance(int run, int id) {
        return BASE + run * IDS_PER_RUN + id;
    }

    static int runOf(int instance) {
        return (instance - BASE) / IDS_PER_RUN;
    }

    static String idOf(int instance) {
        return Integer.toString((instance - BASE) % IDS_PER_RUN);
    }

    static ExecutorSet read(JobStatus.Run run) {
        JsonNode node = run == null ? null : run.kindFields.get(SET_FIELD);
        if (node == null || !node.isObject()) {
            return null;
        }
        try {
            return JSON.treeToValue(node, ExecutorSet.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored executor set of run " + run.run + " is unreadable: "
                    + e.getOriginalMessage(), e);
        }
    }

    static ExecutorSet read(JsonNode node) {
        try {
            return JSON.treeToValue(node, ExecutorSet.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored executor set is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    static void write(JobStatus.Run run, ExecutorSet set) {
        run.kindFields.put(SET_FIELD, JSON.valueToTree(set));
    }

    /**
     * One call of the plugin on {@code runs/R/attempts/A/executors[/kill]}. The answer's status is
     * left to the caller: {@code changed[0]} says whether the job status must be stored.
     *
     * @param maxFailures executors that may end on their own before no more are started
     */
    static KindCall.Answer call(JobStatus job, KindCall call, int maxFailures, boolean[] changed) {
        List<String> p = call.path();
        boolean kill = p.size() == 6 && p.get(5).equals("kill");
        if (p.size() < 5 || p.size() > 6 || !p.get(0).equals("runs") || !p.get(2).equals("attempts")
                || !p.get(4).equals("executors") || (p.size() == 6 && !kill)) {
            return error(404, "no such call: " + call.method() + " " + String.join("/", p));
        }
        int runNumber;
        int attempt;
        try {
            runNumber = Integer.parseInt(p.get(1));
            attempt = Integer.parseInt(p.get(3));
        } catch (NumberFormatException e) {
            return error(404, "run and attempt are numbers: " + String.join("/", p));
        }
        JobStatus.Run run = job.run(runNumber);
        if (run == null) {
            return error(404, "there is no run " + runNumber);
        }
        if (!run.active()) {
            return error(410, "run " + runNumber + " ended (" + run.state + "): its executors are gone");
        }
        if (attempt < run.attempts) {
            return error(410, "attempt " + attempt + " of run " + runNumber + " ended; the run is at attempt " + run.attempts);
        }
        if (attempt > run.attempts) {
            return error(503, "attempt " + attempt + " of run " + runNumber + " has not been seen starting yet; ask again");
        }
        ExecutorSet set = read(run);
        if (set == null || set.attempt != attempt) {
            ExecutorSet fresh = new ExecutorSet();
            fresh.attempt = attempt;
            fresh.nextId = set == null ? 1 : set.nextId;
            set = fresh;
        }
        String route = call.method() + (kill ? " kill" : "");
        switch (route) {
            case "PUT" -> {
                JsonNode body = call.body();
                if (body == null || !body.isObject() || !body.path("driverUrl").isTextual()) {
                    return error(400, "the body must be the driver's wish: an object with driverUrl, applicationId and profiles");
                }
                wish(set, body);
                fill(set, maxFailures);
            }
            case "POST kill" -> {
                for (JsonNode id : call.body() == null ? JSON.createArrayNode() : call.body().path("ids")) {
                    ExecutorSet.Executor e = set.executor(id.asText());
                    if (e != null) {
                        release(e, "killed by the driver");
                    }
                }
            }
            case "DELETE" -> {
                set.profiles.forEach(profile -> profile.total = 0);
                set.executors.forEach(e -> release(e, "the driver is done"));
            }
            case "GET" -> {
                return new KindCall.Answer(200, view(set), null);
            }
            default -> {
                return error(405, call.method() + " is not a call of executors" + (kill ? "/kill" : ""));
            }
        }
        write(run, set);
        changed[0] = true;
        return new KindCall.Answer(200, view(set), null);
    }

    /**
     * The executor tasks of one run: kills those no longer wanted (all of them once its driver
     * attempt ended), records the tasks of the others, starts replacements, and adds the pods of
     * the pending executors to {@code launches}.
     *
     * @param driver the run's current driver task; null when it has none (ended, or not launched)
     * @param tasks  the run's executor tasks that have not ended
     * @param pod    the pod of one executor
     */
    static void reconcile(JobStatus.Run run, TaskRecord driver, List<TaskRecord> tasks, int maxFailures,
                          BiFunction<ExecutorSet, ExecutorSet.Executor, PodSpec> pod, List<PodSpec> launches,
                          List<ReconcileResult.Kill> kills) {
        ExecutorSet set = read(run);
        boolean live = set != null && run.active() && driver != null && !driver.terminal() && set.attempt == run.attempts;
        Map<String, TaskRecord> byId = new HashMap<>();
        tasks.stream().sorted(Comparator.comparing(TaskRecord::launchedAt, Comparator.nullsFirst(Comparator.naturalOrder())))
                .forEach(t -> byId.put(idOf(t.instance()), t));
        if (set != null) {
            for (ExecutorSet.Executor e : set.executors) {
                TaskRecord t = byId.get(e.id);
                if (t != null && e.live()) {
                    e.taskId = t.taskId();
                    e.agentId = t.agentId();
                    e.host = t.host();
                    if (t.unreachable()) {
                        // its agent is cut off: Spark hears it is lost, and a replacement starts elsewhere
                        end(e, ExecutorSet.LOST, "its agent is unreachable");
                    } else {
                        // a task being killed still runs until its end is heard (its message says why it stops)
                        e.state = switch (t.state()) {
                            case "TASK_RUNNING", "TASK_KILLING" -> ExecutorSet.RUNNING;
                            default -> ExecutorSet.STARTING;
                        };
                        e.message = e.killRequested ? e.message : null;
                    }
                } else if (t == null && e.live() && !ExecutorSet.PENDING.equals(e.state)) {
                    // launched, but its task is gone without an end heard (it ended while no one looked)
                    end(e, ExecutorSet.LOST, "its task is gone");
                }
            }
        }
        for (TaskRecord t : tasks) {
            ExecutorSet.Executor e = live ? set.executor(idOf(t.instance())) : null;
            boolean wanted = e != null && e.live() && !e.killRequested && byId.get(e.id) == t;
            if (!wanted && !t.killRequested()) {
                kills.add(new ReconcileResult.Kill(t.taskId(), t.agentId(), !live
                        ? "the driver of run " + run.run + (set == null ? "" : " attempt " + set.attempt) + " ended"
                        : e == null ? "not an executor of attempt " + set.attempt + " of run " + run.run
                        : byId.get(e.id) != t ? "duplicate of executor " + e.id
                        : "executor " + e.id + ": " + e.message));
            }
        }
        if (set == null) {
            return;
        }
        if (!live) {
            set.executors.stream().filter(ExecutorSet.Executor::live)
                    .forEach(e -> release(e, "the driver of attempt " + set.attempt + " ended"));
        } else {
            fill(set, maxFailures);
            for (ExecutorSet.Executor e : set.executors) {
                if (ExecutorSet.PENDING.equals(e.state) && !byId.containsKey(e.id)) {
                    launches.add(pod.apply(set, e));
                }
            }
        }
        write(run, set);
    }

    /** An executor task reached a terminal state: its executor ends as the task did. */
    static void taskEnded(JobStatus job, TaskRecord ended) {
        JobStatus.Run run = job.run(runOf(ended.instance()));
        ExecutorSet set = read(run);
        ExecutorSet.Executor e = set == null ? null : set.executor(idOf(ended.instance()));
        if (e == null || !e.live() || !ended.taskId().equals(e.taskId) && e.taskId != null) {
            return; // not this executor's task, or the executor already ended (lost, withdrawn)
        }
        e.taskId = ended.taskId();
        e.agentId = ended.agentId();
        e.host = ended.host();
        Matcher exit = EXIT_STATUS.matcher(ended.message() == null ? "" : ended.message());
        e.exitCode = exit.find() ? Integer.valueOf(exit.group(1)) : null;
        String state = switch (ended.state()) {
            case "TASK_FINISHED" -> ExecutorSet.FINISHED;
            case "TASK_KILLED" -> ExecutorSet.KILLED;
            case "TASK_FAILED", "TASK_ERROR" -> ExecutorSet.FAILED;
            default -> ExecutorSet.LOST;
        };
        boolean asked = e.killRequested || ended.killRequested();
        end(e, asked && !ExecutorSet.FINISHED.equals(state) ? ExecutorSet.KILLED : state,
                ended.state() + (ended.message() == null ? "" : ": " + ended.message()));
        if (!asked && !ExecutorSet.FINISHED.equals(state)) {
            set.failures++;
        }
        write(run, set);
    }

    /** The answer of every call: the attempt's executors, ended ones included (the plugin's GET). */
    static ObjectNode view(ExecutorSet set) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("executors");
        for (ExecutorSet.Executor e : set.executors) {
            ObjectNode o = list.addObject().put("id", e.id).put("profileId", e.profileId).put("state", e.state);
            o.put("host", e.host).put("taskId", e.taskId);
            if (e.exitCode != null) {
                o.put("exitCode", e.exitCode);
            }
            o.put("message", e.message);
        }
        return body;
    }

    /**
     * What status.workload.executors shows of run {@code run}'s set: id, task, agent, state, cores,
     * memory, and the instance of its task (what `logs` and the plan name it by).
     */
    static ArrayNode summary(int run, ExecutorSet set) {
        ArrayNode list = JSON.createArrayNode();
        for (ExecutorSet.Executor e : set.executors) {
            ObjectNode o = list.addObject().put("id", e.id).put("instance", instance(run, Integer.parseInt(e.id)))
                    .put("task", e.taskId).put("agent", e.host)
                    .put("agentId", e.agentId).put("state", e.state).put("cores", e.cores)
                    .put("memory", e.memoryMiB + "m");
            if (e.message != null) {
                o.put("message", e.message);
            }
        }
        return list;
    }

    /** Spark's executor limit: spark.executor.maxNumFailures, else max(3, 2 × the executors wanted), as Spark's YARN and Kubernetes backends. */
    static int maxFailures(Map<String, String> sparkConf, int instances) {
        String configured = sparkConf == null ? null : sparkConf.get("spark.executor.maxNumFailures");
        return configured != null ? Integer.parseInt(configured.trim()) : Math.max(3, 2 * instances);
    }

    private static void wish(ExecutorSet set, JsonNode body) {
        set.applicationId = body.path("applicationId").asText(null);
        set.driverUrl = body.path("driverUrl").asText();
        set.uiUrl = body.path("uiUrl").isTextual() ? body.path("uiUrl").asText() : null;
        set.javaOptions = new ArrayList<>();
        body.path("javaOptions").forEach(o -> set.javaOptions.add(o.asText()));
        set.extraClassPath = body.path("extraClassPath").asText("");
        set.extraLibraryPath = body.path("extraLibraryPath").asText("");
        set.env = new java.util.LinkedHashMap<>();
        body.path("env").fields().forEachRemaining(e -> set.env.put(e.getKey(), e.getValue().asText()));
        List<ExecutorSet.Profile> profiles = new ArrayList<>();
        for (JsonNode p : body.path("profiles")) {
            ExecutorSet.Profile profile = new ExecutorSet.Profile();
            profile.id = p.path("id").asInt();
            profile.total = Math.max(0, p.path("total").asInt());
            profile.cores = Math.max(1, p.path("cores").asInt(1));
            profile.memoryMiB = Math.max(1, p.path("memoryMiB").asLong(1024));
            profile.memoryOverheadMiB = Math.max(0, p.path("memoryOverheadMiB").asLong(384));
            profiles.add(profile);
        }
        set.profiles = profiles;
    }

    /**
     * Each profile gets as many live executors as its total: missing ones are added (pending), up
     * to the failure limit; pending ones beyond it are withdrawn (running ones are left to the
     * driver, which kills by id).
     */
    private static void fill(ExecutorSet set, int maxFailures) {
        set.blocked = null;
        for (ExecutorSet.Profile profile : set.profiles) {
            List<ExecutorSet.Executor> live = set.executors.stream()
                    .filter(e -> e.profileId == profile.id && e.live() && !e.killRequested).toList();
            for (int i = live.size() - 1, n = live.size(); i >= 0 && n > profile.total; i--) {
                if (ExecutorSet.PENDING.equals(live.get(i).state)) {
                    // (if its launch is on its way after all, the next reconciliation kills the task)
                    release(live.get(i), "withdrawn: the driver wants " + profile.total + " of profile " + profile.id);
                    n--;
                }
            }
            for (int n = live.size(); n < profile.total; n++) {
                if (set.failures >= maxFailures) {
                    set.blocked = set.failures + " executors failed (the limit, spark.executor.maxNumFailures, is "
                            + maxFailures + "): no more are started";
                    break;
                }
                if (set.nextId >= IDS_PER_RUN) {
                    set.blocked = "the run used all " + (IDS_PER_RUN - 1) + " executor ids";
                    break;
                }
                ExecutorSet.Executor e = new ExecutorSet.Executor();
                e.id = Integer.toString(set.nextId++);
                e.profileId = profile.id;
                e.cores = profile.cores;
                e.memoryMiB = profile.memoryMiB;
                e.message = "waiting for an offer with " + profile.cores + " cpus and "
                        + (profile.memoryMiB + profile.memoryOverheadMiB) + " MiB mem";
                set.executors.add(e);
            }
        }
    }

    /** Asked to stop: a pending executor ends at once, a launched one when its task ends. */
    private static void release(ExecutorSet.Executor e, String why) {
        if (!e.live() || e.killRequested) {
            return;
        }
        e.killRequested = true;
        e.message = why;
        if (ExecutorSet.PENDING.equals(e.state)) {
            e.state = ExecutorSet.KILLED;
        }
    }

    private static void end(ExecutorSet.Executor e, String state, String message) {
        e.state = state;
        e.message = message;
    }

    private static KindCall.Answer error(int code, String message) {
        return new KindCall.Answer(code, JSON.createObjectNode().put("message", message), null);
    }
}
