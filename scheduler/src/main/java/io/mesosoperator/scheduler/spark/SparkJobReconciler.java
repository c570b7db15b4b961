package io.mesosoperator.scheduler.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.mesos.Backoff;
import io.mesosoperator.mesos.ExecutorContract;
import io.mesosoperator.scheduler.jobs.CronSchedule;
import io.mesosoperator.scheduler.jobs.JobRuns;
import io.mesosoperator.scheduler.kind.ConfigHash;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.kind.ResolvedSpec;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecBinding;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SparkJob: a Spark application run to completion inside a Mesos task. The executor's Spark runner
 * starts the driver with SparkLauncher from the Spark distribution fetched into the sandbox
 * (master local[N] by default) and turns SparkAppHandle states into task states; the shared
 * {@link JobRuns} turns those into runs and attempts (restart policy, backoff, schedule with a
 * concurrency policy, history). Like Kubernetes' SparkApplication and ScheduledSparkApplication.
 */
public final class SparkJobReconciler implements Reconciler {
    public static final KindDefinition KIND = new KindDefinition("SparkJob", "spark.schema.json", Set.of());
    static final String DRIVER_LOG = ExecutorContract.SPARK_DRIVER_LOG;
    /** The executor's status message: "Spark application APP_ID STATE ..." (see the executor's SparkRunner). */
    private static final Pattern MESSAGE = Pattern.compile("^Spark application (\\S+) (\\w+)");
    private static final Pattern MEMORY = Pattern.compile("(\\d+)([kmgt]?)b?", Pattern.CASE_INSENSITIVE);
    private static final int MIN_DRIVER_MEMORY_MB = 512;

    private final String defaultDistribution;

    /** @param defaultDistribution the Spark tarball URI for specs that name none (null: they must) */
    public SparkJobReconciler(String defaultDistribution) {
        this.defaultDistribution = defaultDistribution;
    }

    @Override
    public KindDefinition kind() {
        return KIND;
    }

    @Override
    public List<FieldError> check(Resource resource, String role) {
        SparkJobSpec spec = parse(resource);
        List<FieldError> errors = new ArrayList<>();
        if (spec.distribution() == null && defaultDistribution == null) {
            errors.add(FieldError.of("spec.distribution", "is required: the operator has no default"
                    + " (workloads.sparkDistribution)"));
        }
        if (spec.schedule() != null) {
            try {
                CronSchedule.parse(spec.schedule());
            } catch (IllegalArgumentException e) {
                errors.add(FieldError.of("spec.schedule", e.getMessage()));
            }
            if (JobRuns.RestartType.of(spec.restartPolicy().type()) == JobRuns.RestartType.ALWAYS) {
                errors.add(FieldError.of("spec.restartPolicy.type", "Always never ends a run, so a scheduled job"
                        + " would never run again; use OnFailure or Never"));
            }
        }
        try {
            long mb = memoryMb(spec.driver().memory());
            if (mb < MIN_DRIVER_MEMORY_MB) {
                errors.add(FieldError.of("spec.driver.memory", "must be at least 512m (Spark refuses to start a driver"
                        + " below about 450 MiB)"));
            }
        } catch (IllegalArgumentException e) {
            errors.add(FieldError.of("spec.driver.memory", e.getMessage()));
        }
        if (spec.executor() != null && spec.executor().memory() != null) {
            try {
                memoryMb(spec.executor().memory());
            } catch (IllegalArgumentException e) {
                errors.add(FieldError.of("spec.executor.memory", e.getMessage()));
            }
        }
        return errors;
    }

    @Override
    public ReconcileResult reconcile(Resource resource, Observed observed, Instant now) {
        // an attempt is made of the spec with the values its references take at its launch
        ResolvedSpec resolved = ResolvedSpec.of(resource, observed.others());
        SparkJobSpec spec = parse(resolved.resource());
        String hash = ConfigHash.of(resolved.resource().spec(), KIND.untaskedFields());
        ReconcileResult result = JobRuns.reconcile(resource, run -> pod(resource.key(), run, spec,
                spec.distribution() != null ? spec.distribution() : defaultDistribution, hash), policy(spec),
                observed, now, resolved.waitingFor());
        return new ReconcileResult(result.launches(), result.kills(), result.status().withWorkload(
                withSparkDetails(result.status().workload())), result.requeueAfter());
    }

    @Override
    public ResourceStatus taskEnded(Resource resource, ResourceStatus status, TaskRecord ended, Instant now) {
        ResourceStatus next = JobRuns.taskEnded(resource, status, ended, policy(parse(resource)), now);
        return next.withWorkload(withSparkDetails(next.workload()));
    }

    @Override
    public ResourceStatus killRequested(Resource resource, ResourceStatus status, Instant now) {
        ResourceStatus next = JobRuns.killRequested(resource, status, now);
        return next.withWorkload(withSparkDetails(next.workload()));
    }

    static JobRuns.Policy policy(SparkJobSpec spec) {
        SparkJobSpec.RestartPolicy r = spec.restartPolicy();
        Backoff backoff = new Backoff(seconds(r.backoffSeconds()), r.backoffFactor(), seconds(r.maxBackoffSeconds()),
                Duration.ZERO);
        return new JobRuns.Policy(JobRuns.RestartType.of(r.type()), r.maxRetries(), backoff,
                spec.schedule() == null ? null : CronSchedule.parse(spec.schedule()),
                JobRuns.Concurrency.of(spec.concurrencyPolicy()), spec.successfulRunHistoryLimit(),
                spec.failedRunHistoryLimit());
    }

    /** One attempt of run {@code run}: the executor's Spark runner, the distribution and the application's files. */
    static PodSpec pod(ResourceKey key, int run, SparkJobSpec spec, String distribution, String hash) {
        SparkJobSpec.Driver driver = spec.driver();
        long memory = memoryMb(driver.memory());
        long overhead = driver.memoryOverhead() != null ? driver.memoryOverhead() : Math.max(384, memory / 10);
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.driver.cores", Integer.toString(driver.cores()));
        SparkJobSpec.Executor executor = spec.executor();
        if (executor != null) {
            if (executor.instances() != null) {
                conf.put("spark.executor.instances", executor.instances().toString());
            }
            if (executor.cores() != null) {
                conf.put("spark.executor.cores", executor.cores().toString());
            }
            if (executor.memory() != null) {
                conf.put("spark.executor.memory", executor.memory());
            }
        }
        if (spec.sparkConf() != null) {
            conf.putAll(spec.sparkConf());
        }
        ObjectNode settings = JsonNodeFactory.instance.objectNode();
        settings.put("sparkHome", "spark");
        settings.put("appResource", spec.mainApplicationFile());
        if (spec.mainClass() != null) {
            settings.put("mainClass", spec.mainClass());
        }
        settings.put("appName", key.name() + "-" + run);
        settings.put("master", spec.master() != null ? spec.master() : "local[" + driver.cores() + "]");
        settings.put("driverMemory", memory + "m");
        spec.arguments().forEach(settings.putArray("args")::add);
        ObjectNode confNode = settings.putObject("conf");
        conf.forEach(confNode::put);
        Map<String, String> env = new LinkedHashMap<>(spec.env() == null ? Map.of() : spec.env());
        env.put(ExecutorContract.RUNNER_ENV, ExecutorContract.SPARK_RUNNER);
        env.put(ExecutorContract.SPARK_SETTINGS_ENV, settings.toString());
        List<PodSpec.Artifact> uris = new ArrayList<>();
        uris.add(new PodSpec.Artifact(distribution, true, false, null));
        uris.add(new PodSpec.Artifact(spec.mainApplicationFile(), false, false, null));
        spec.files().forEach(f -> uris.add(new PodSpec.Artifact(f, false, false, null)));
        // the command is only what an executor without a Spark runner would run
        String command = "echo 'this task needs the mesos-operator executor with its Spark runner' >&2; exit 2";
        return new PodSpec(key, run, driver.cores(), memory + overhead, 0, command, env, uris, List.of(), null,
                Duration.ofSeconds(10), hash, null);
    }

    /** Adds what Spark users look for to each run: the application id and the driver's log. */
    static JsonNode withSparkDetails(JsonNode workload) {
        if (!(workload instanceof ObjectNode job)) {
            return workload;
        }
        String latestAppId = null;
        for (JsonNode run : job.path("runs")) {
            ObjectNode r = (ObjectNode) run;
            Matcher m = MESSAGE.matcher(r.path("message").asText(""));
            if (m.find() && !m.group(1).equals("-")) {
                r.put("applicationId", m.group(1));
                latestAppId = m.group(1);
            }
            if (r.hasNonNull("sandbox")) {
                r.put("driverLog", r.get("sandbox").asText() + "/" + DRIVER_LOG);
            }
        }
        if (latestAppId != null) {
            job.put("applicationId", latestAppId);
        }
        return job;
    }

    /** "512m", "2g", "1024" (MiB), "600000k" -> MiB. */
    static long memoryMb(String text) {
        Matcher m = MEMORY.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size like 512m or 2g");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> n / 1024;
            case "g" -> n * 1024;
            case "t" -> n * 1024 * 1024;
            default -> n;
        };
    }

    private static SparkJobSpec parse(Resource resource) {
        return SpecBinding.bind(resource.spec(), SparkJobSpec.class);
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }
}
