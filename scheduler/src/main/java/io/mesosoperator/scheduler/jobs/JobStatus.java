package io.mesosoperator.scheduler.jobs;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a job kind keeps in {@code status.workload}: its runs (one per submission; a scheduled job
 * gets one per firing of its schedule), each with its attempts (one Mesos task each), and the
 * schedule's bookkeeping. Mutable on purpose: {@link JobRuns} reads a fresh copy from the stored
 * status, changes it and writes it back as JSON; kinds may add fields of their own: at the top level
 * they are dropped (a kind derives them again), in a run they are kept as they are ({@link Run#kindFields}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class JobStatus {
    /** Runs started so far: the next run's number. */
    public int runsStarted;
    public int runsSucceeded;
    public int runsFailed;
    /** Schedule firings skipped because a run was still active (concurrencyPolicy Forbid). */
    public int runsSkipped;
    public String lastScheduleTime;
    public String nextScheduleTime;
    /** Active runs and the kept history (successful/failedRunHistoryLimit), oldest first. */
    public List<Run> runs = new ArrayList<>();

    /** Run states; the first three are active. */
    public static final String SUBMITTED = "Submitted";
    public static final String RUNNING = "Running";
    public static final String RETRYING = "Retrying";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String KILLED = "Killed";
    static final Set<String> ACTIVE = Set.of(SUBMITTED, RUNNING, RETRYING);

    /** One submission of the job; its number is the Mesos instance its tasks carry. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class Run {
        public int run;
        /** The spec generation it was submitted with. */
        public long generation;
        public String state;
        /** Attempts started (one task each); retries = attempts - 1. */
        public int attempts;
        /** Failed attempts in a row (the retry backoff grows with it). */
        public int failures;
        public String taskId;
        public String taskState;
        public String agentId;
        public String scheduledTime;
        public String submissionTime;
        /** When the current (or last) attempt started running. */
        public String startTime;
        public String endTime;
        public String nextAttemptTime;
        public String lastExit;
        /** The last task status message (a kind may read details from it, e.g. Spark's application id). */
        public String message;
        public String sandbox;
        /**
         * What a kind keeps in a run beyond these fields (SparkJob: the attempt's executors), kept as
         * they are when {@link JobRuns} rewrites the run.
         */
        @JsonIgnore
        public final Map<String, JsonNode> kindFields = new LinkedHashMap<>();

        @JsonAnyGetter
        Map<String, JsonNode> kindFields() {
            return kindFields;
        }

        @JsonAnySetter
        void kindField(String name, JsonNode value) {
            kindFields.put(name, value);
        }

        @JsonIgnore
        public boolean active() {
            return ACTIVE.contains(state);
        }
    }

    @JsonIgnore
    List<Run> active() {
        return runs.stream().filter(Run::active).toList();
    }

    public Run run(int number) {
        return runs.stream().filter(r -> r.run == number).findFirst().orElse(null);
    }
}
