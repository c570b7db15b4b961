package io.mesosoperator.scheduler.spark;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The executors of a run's current driver attempt (docs/spark-executors.md): what the driver's
 * plugin last asked for (its PUT: how to start an executor, and a total per resource profile) and
 * each executor the operator made for it. Kept in the run of the job's status
 * ({@code status.workload.runs[].executorSet}), so it is in ZooKeeper with the status and a new
 * leader carries on with it. Mutable on purpose, like the job status it is part of.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
final class ExecutorSet {
    static final String PENDING = "PENDING";
    static final String STARTING = "STARTING";
    static final String RUNNING = "RUNNING";
    static final String FINISHED = "FINISHED";
    static final String FAILED = "FAILED";
    static final String KILLED = "KILLED";
    static final String LOST = "LOST";
    private static final Set<String> LIVE = Set.of(PENDING, STARTING, RUNNING);

    /** The driver attempt these executors belong to; a new attempt starts a fresh set. */
    public int attempt;
    public String applicationId;
    public String driverUrl;
    public String uiUrl;
    public List<String> javaOptions = new ArrayList<>();
    public String extraClassPath = "";
    public String extraLibraryPath = "";
    public Map<String, String> env = new LinkedHashMap<>();
    public List<Profile> profiles = new ArrayList<>();
    /** The next executor id; ids are never reused within a run, across its attempts too (task names stay unique). */
    public int nextId = 1;
    /** Executors that ended without being asked to (replacements stop at the limit). */
    public int failures;
    /** Why no more executors are started, when that is so. */
    public String blocked;
    public List<Executor> executors = new ArrayList<>();

    /** One Spark resource profile: how many live executors the driver wants, and their size. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Profile {
        public int id;
        public int total;
        public int cores;
        public long memoryMiB;
        public long memoryOverheadMiB;
    }

    /** One executor: Spark's id, and its Mesos task once launched. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Executor {
        public String id;
        public int profileId;
        public String state = PENDING;
        public int cores;
        public long memoryMiB;
        public String taskId;
        public String agentId;
        public String host;
        public Integer exitCode;
        public String message;
        /** The driver killed it (or the attempt ended): it is not replaced. */
        public boolean killRequested;

        @JsonIgnore
        boolean live() {
            return LIVE.contains(state);
        }
    }

    Profile profile(int id) {
        return profiles.stream().filter(p -> p.id == id).findFirst().orElse(null);
    }

    Executor executor(String id) {
        return executors.stream().filter(e -> e.id.equals(id)).findFirst().orElse(null);
    }
}
