package io.mesosoperator.scheduler.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.mesos.Backoff;
import io.mesosoperator.mesos.ExecutorContract;
import io.mesosoperator.scheduler.jobs.CronSchedule;
import io.mesosoperator.scheduler.jobs.JobRuns;
import io.mesosoperator.scheduler.jobs.JobStatus;
import io.mesosoperator.scheduler.kind.KindCall;
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
import java.util.function.Function;
import java.util.function.Supplier;
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
    public static final KindDefinition KIND = new KindDefinition("SparkJob", "spark.schema.json", null, Set.of());
    /** The driver's Spark UI port (from its offer): its monitoring REST API, which SparkMetrics reads. */
    static final String UI_PORT = "ui";
    static final String DRIVER_LOG = ExecutorContract.SPARK_DRIVER_LOG;
    /** The executor's status message: "Spark application APP_ID STATE ..." (see the executor's SparkRunner). */
    private static final Pattern MESSAGE = Pattern.compile("^Spark application (\\S+) (\\w+)");
    private static final Pattern MEMORY = Pattern.compile("(\\d+)([kmgt]?)b?", Pattern.CASE_INSENSITIVE);
    private static final int MIN_DRIVER_MEMORY_MB = 512;

    /** The file name the driver's class path names the fetched plugin jar by. */
    static final String PLUGIN_FILE = "mesos-operator-spark-plugin.jar";
    static final String SHUFFLE_TRACKING = "spark.dynamicAllocation.shuffleTracking.enabled";
    /** The environment variable the plugin (like the CLI) reads its token from. */
    static final String DRIVER_TOKEN_ENV = "MESOS_OPERATOR_TOKEN";
    /** The driver's JVM metrics (heap, GC time) in its metrics registry. */
    static final String JVM_SOURCE = "spark.metrics.conf.driver.source.jvm.class";
    /** Each Structured Streaming query's metrics (rates, batch duration) in the same registry. */
    static final String QUERY_METRICS = "spark.sql.streaming.metricsEnabled";

    private final SparkDistributions distributions;
    private final String pluginJar;
    private final Supplier<String> operatorApi;
    /** Each job's secret, from which its drivers' tokens for their executor calls derive. */
    private final Function<ResourceKey, String> secrets;

    /** @param defaultDistribution the Spark tarball URI for specs that name none (null: they must) */
    public SparkJobReconciler(String defaultDistribution) {
        this(SparkDistributions.only(defaultDistribution), null, () -> null, key -> null);
    }

    /**
     * @param pluginJar   the URI of the Spark plugin jar agents fetch for drivers with executors
     *                    (null: such specs are refused)
     * @param operatorApi "host:port" of this operator's API, where drivers ask for executors (null while unknown)
     * @param secrets     each job's secret, made on first use (ZkStore::secret; null: drivers get no token)
     */
    public SparkJobReconciler(SparkDistributions distributions, String pluginJar, Supplier<String> operatorApi,
                              Function<ResourceKey, String> secrets) {
        this.distributions = distributions;
        this.pluginJar = pluginJar;
        this.operatorApi = operatorApi;
        this.secrets = secrets;
    }

    /**
     * Where a driver with executors finds the operator and the plugin, and the token that admits its calls
     * there (null: none); null for local[N] and a spec's own master.
     */
    record ExecutorMode(String master, String pluginJar, String token) {}

    @Override
    public KindDefinition kind() {
        return KIND;
    }

    @Override
    public List<FieldError> check(Resource resource, String role) {
        SparkJobSpec spec = parse(resource);
        List<FieldError> errors = new ArrayList<>();
        if (spec.sparkVersion() != null) {
            if (spec.distribution() != null) {
                errors.add(FieldError.of("spec.sparkVersion", "give either sparkVersion (one of the operator's"
                        + " distributions) or distribution (your own tarball), not both"));
            } else if (distributions.forVersion(spec.sparkVersion()).isEmpty()) {
                errors.add(FieldError.of("spec.sparkVersion", "the operator has no Spark " + spec.sparkVersion()
                        + " distribution; it has " + (distributions.versions().isEmpty() ? "none by version"
                        : String.join(", ", distributions.versions())) + " (workloads.sparkDistributions)"));
            }
        } else if (spec.distribution() == null && distributions.defaultUri() == null) {
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
        if (operatorExecutors(spec) && pluginJar == null) {
            errors.add(FieldError.of("spec.executor", "the operator has no Spark plugin jar to give the driver"
                    + " (workloads.sparkPlugin, or mesos-operator-spark-plugin.jar beside the operator's jar)"));
        }
        return errors;
    }

    /** The tarball a spec runs on: its own, the operator's for its sparkVersion, or the operator's default. */
    private String distribution(SparkJobSpec spec) {
        if (spec.distribution() != null) {
            return spec.distribution();
        }
        if (spec.sparkVersion() != null) {
            // check() refused versions the operator has no distribution of; after a config change since then, null:
            // the next attempt waits (reconcile says for what) instead of launching without a Spark
            return distributions.forVersion(spec.sparkVersion()).orElse(null);
        }
        return distributions.defaultUri();
    }

    /** Why an attempt waits when the operator's configuration no longer offers the spec's Spark (changed since apply). */
    private String missingDistribution(SparkJobSpec spec) {
        return spec.sparkVersion() == null
                ? "waits for a Spark distribution: the operator has no default (workloads.sparkDistribution)"
                : "waits for a Spark " + spec.sparkVersion() + " distribution, which the operator no longer has ("
                        + (distributions.versions().isEmpty() ? "none by version" : String.join(", ", distributions.versions()))
                        + "; workloads.sparkDistributions)";
    }

    @Override
    public ReconcileResult reconcile(Resource resource, Observed observed, Instant now) {
        // an attempt is made of the spec with the values its references take at its launch
        ResolvedSpec resolved = ResolvedSpec.of(resource, observed.others());
        SparkJobSpec spec = parse(resolved.resource());
        String hash = ConfigHash.of(resolved.resource().spec(), KIND.untaskedFields());
        String distribution = distribution(spec);
        // the drivers are the job's runs; the executors are the runs' own business (SparkExecutors)
        List<TaskRecord> drivers = observed.tasks().stream().filter(t -> !SparkExecutors.isExecutorTask(t)).toList();
        List<TaskRecord> executors = observed.tasks().stream().filter(SparkExecutors::isExecutorTask).toList();
        JobStatus before = JobRuns.read(observed.previousStatus());
        ReconcileResult result = JobRuns.reconcile(resource, run -> pod(resource.key(), run, spec, distribution, hash,
                        executorMode(resource, run, nextAttempt(before, run), spec)), policy(spec),
                new Observed(drivers, observed.previousStatus(), observed.launchesInFlight(), observed.plan(), observed.others()),
                now, resolved.waitingFor() != null ? resolved.waitingFor()
                        : distribution == null ? missingDistribution(spec) : null);

        List<PodSpec> launches = new ArrayList<>(result.launches());
        List<ReconcileResult.Kill> kills = new ArrayList<>(result.kills());
        JobStatus job = JobRuns.read(result.status());
        int maxFailures = SparkExecutors.maxFailures(spec.sparkConf(), executorInstances(spec));
        Set<Integer> runs = new java.util.HashSet<>();
        for (JobStatus.Run run : job.runs) {
            runs.add(run.run);
            TaskRecord driver = drivers.stream().filter(t -> t.instance() == run.run && t.taskId().equals(run.taskId))
                    .findFirst().orElse(null);
            List<TaskRecord> own = executors.stream().filter(t -> SparkExecutors.runOf(t.instance()) == run.run).toList();
            SparkExecutors.reconcile(run, driver, own, maxFailures,
                    (set, e) -> executorPod(resource.key(), run.run, set, e, distribution, hash, spec.placementOrAnywhere()),
                    launches, kills);
        }
        if (distribution == null) {
            launches.clear(); // no driver was launched (it waits); no executor either, without a Spark to fetch
        }
        for (TaskRecord t : executors) {
            if (!runs.contains(SparkExecutors.runOf(t.instance())) && !t.killRequested()) {
                kills.add(new ReconcileResult.Kill(t.taskId(), t.agentId(), "its run is no longer kept"));
            }
        }
        return new ReconcileResult(launches, kills, result.status().withWorkload(withSparkDetails(JobRuns.write(job))),
                result.requeueAfter());
    }

    @Override
    public ResourceStatus taskEnded(Resource resource, ResourceStatus status, TaskRecord ended, Instant now) {
        // an executor's instance is no run's: JobRuns leaves the job as it was
        ResourceStatus next = JobRuns.taskEnded(resource, status, ended, policy(parse(resource)), now);
        if (SparkExecutors.isExecutorTask(ended)) {
            JobStatus job = JobRuns.read(next);
            SparkExecutors.taskEnded(job, ended);
            next = next.withWorkload(JobRuns.write(job));
        }
        return next.withWorkload(withSparkDetails(next.workload()));
    }

    /** The driver's calls for its executors: {@code runs/R/attempts/A/executors[/kill]} (docs/spark-executors.md). */
    @Override
    public KindCall.Answer call(Resource resource, ResourceStatus status, KindCall call, Instant now) {
        SparkJobSpec spec = parse(resource);
        JobStatus job = JobRuns.read(status);
        boolean[] changed = {false};
        KindCall.Answer answer = SparkExecutors.call(job, call,
                SparkExecutors.maxFailures(spec.sparkConf(), executorInstances(spec)), changed);
        if (!changed[0] || status == null) {
            return answer;
        }
        return new KindCall.Answer(answer.code(), answer.body(), status.withWorkload(withSparkDetails(JobRuns.write(job))));
    }

    /** The attempt the next launch of run {@code run} will be: attempts are counted as the driver tasks are seen. */
    private static int nextAttempt(JobStatus job, int run) {
        JobStatus.Run r = job.run(run);
        return r == null ? 1 : r.attempts + 1;
    }

    /** The driver asks this operator for executors when the spec has executors and no master of its own. */
    static boolean operatorExecutors(SparkJobSpec spec) {
        return spec.executor() != null && spec.master() == null;
    }

    private static int executorInstances(SparkJobSpec spec) {
        return spec.executor() == null || spec.executor().instances() == null ? 1 : spec.executor().instances();
    }

    private ExecutorMode executorMode(Resource resource, int run, int attempt, SparkJobSpec spec) {
        String api = operatorApi.get();
        if (!operatorExecutors(spec) || pluginJar == null || api == null) {
            return null;
        }
        String scope = "runs/" + run + "/attempts/" + attempt;
        String secret = secrets.apply(resource.key());
        return new ExecutorMode("spark+mesos-operator://" + api + "/v1/resources/SparkJob/" + resource.key().name() + "/" + scope,
                pluginJar, secret == null ? null : KindCall.scopedToken(secret, resource.key(), scope));
    }

    /**
     * One executor's task (docs/spark-executors.md): Spark's CoarseGrainedExecutorBackend from the job's
     * distribution, with what the driver said executors need, as a plain command task.
     */
    static PodSpec executorPod(ResourceKey key, int run, ExecutorSet set, ExecutorSet.Executor e, String distribution,
                               String hash, SparkJobSpec.Placement placement) {
        ExecutorSet.Profile profile = set.profile(e.profileId);
        long overhead = profile == null ? 384 : profile.memoryOverheadMiB;
        StringBuilder command = new StringBuilder("export SPARK_HOME=\"$PWD/spark\" SPARK_LOCAL_DIRS=\"$PWD\""
                + " SPARK_LOCAL_IP=\"$MESOS_OPERATOR_HOST\"");
        if (!set.extraLibraryPath.isEmpty()) {
            command.append(" LD_LIBRARY_PATH=").append(quote(set.extraLibraryPath));
        }
        command.append("; exec \"$MESOS_OPERATOR_JAVA\" -Xmx").append(e.memoryMiB).append('m');
        set.javaOptions.forEach(o -> command.append(' ').append(quote(o.replace("{{EXECUTOR_ID}}", e.id))));
        command.append(" -Dspark.blockManager.port=\"$PORT0\" -cp ")
                .append(set.extraClassPath.isEmpty() ? "" : quote(set.extraClassPath + ":"))
                .append("\"$PWD\"/").append(quote("spark/jars/*"))
                .append(" org.apache.spark.executor.CoarseGrainedExecutorBackend --driver-url ").append(quote(set.driverUrl))
                .append(" --executor-id ").append(e.id)
                .append(" --hostname \"$MESOS_OPERATOR_HOST\" --cores ").append(e.cores)
                .append(" --app-id ").append(quote(set.applicationId == null ? "" : set.applicationId))
                .append(" --resourceProfileId ").append(e.profileId);
        Map<String, String> env = new LinkedHashMap<>(set.env);
        env.put("MESOS_OPERATOR_SPARK_EXECUTOR", e.id);
        return new PodSpec(key, SparkExecutors.instance(run, Integer.parseInt(e.id)), e.cores, e.memoryMiB + overhead, 0,
                command.toString(), env, List.of(new PodSpec.Artifact(distribution, true, false, null)),
                List.of("blockmanager"), null, Duration.ofSeconds(10), hash, null, List.of(),
                placement.maxExecutorsPerAgent(), SparkExecutors.GROUP, placement.requiredAttributes())
                .withLabels(Map.of(SparkExecutors.RUN_LABEL, Integer.toString(run),
                        SparkExecutors.ATTEMPT_LABEL, Integer.toString(set.attempt), SparkExecutors.EXECUTOR_LABEL, e.id));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
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
        return pod(key, run, spec, distribution, hash, null);
    }

    /** The same, for a driver whose executors the operator launches ({@code executors}; null: local[N] or the spec's master). */
    static PodSpec pod(ResourceKey key, int run, SparkJobSpec spec, String distribution, String hash,
                       ExecutorMode executors) {
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
            if (executor.memoryOverhead() != null) {
                conf.put("spark.executor.memoryOverhead", executor.memoryOverhead() + "m");
            }
        }
        if (executors != null) {
            // executors connect to the driver: its address and the ports it got from its offer
            conf.put("spark.driver.host", "${MESOS_OPERATOR_HOST}");
            conf.put("spark.driver.port", "${PORT_DRIVER}");
            conf.put("spark.driver.blockManager.port", "${PORT_BLOCKMANAGER}");
            conf.put("spark.driver.extraClassPath", "${MESOS_SANDBOX}/" + PLUGIN_FILE);
        }
        // the UI on a port of the offer (never a fixed 4040 another driver may hold): its REST API gives the metrics
        conf.put("spark.ui.enabled", "true");
        conf.put("spark.ui.port", "${PORT_UI}");
        // into the metrics registry that UI serves (/metrics/json/, Spark's default servlet), for SparkMetrics:
        // the driver JVM's heap and GC time, and each Structured Streaming query's rates (no REST endpoint has them)
        conf.put(JVM_SOURCE, "org.apache.spark.metrics.source.JvmSource");
        conf.put(QUERY_METRICS, "true");
        if (spec.sparkConf() != null) {
            conf.putAll(spec.sparkConf());
        }
        if (needsShuffleTracking(conf)) {
            // no external shuffle service here: without tracking, Spark refuses dynamic allocation
            conf.put(SHUFFLE_TRACKING, "true");
        }
        ObjectNode settings = JsonNodeFactory.instance.objectNode();
        settings.put("sparkHome", "spark");
        settings.put("appResource", spec.mainApplicationFile());
        if (spec.mainClass() != null) {
            settings.put("mainClass", spec.mainClass());
        }
        settings.put("appName", key.name() + "-" + run);
        settings.put("master", executors != null ? executors.master()
                : spec.master() != null ? spec.master() : "local[" + driver.cores() + "]");
        settings.put("driverMemory", memory + "m");
        spec.arguments().forEach(settings.putArray("args")::add);
        ObjectNode confNode = settings.putObject("conf");
        conf.forEach(confNode::put);
        Map<String, String> env = new LinkedHashMap<>(spec.env() == null ? Map.of() : spec.env());
        env.put(ExecutorContract.RUNNER_ENV, ExecutorContract.SPARK_RUNNER);
        env.put(ExecutorContract.SPARK_SETTINGS_ENV, settings.toString());
        if (executors != null && executors.token() != null) {
            env.put(DRIVER_TOKEN_ENV, executors.token()); // what the plugin sends on its calls, when the API needs a token
        }
        List<PodSpec.Artifact> uris = new ArrayList<>();
        uris.add(new PodSpec.Artifact(distribution, true, false, null));
        uris.add(new PodSpec.Artifact(spec.mainApplicationFile(), false, false, null));
        spec.files().forEach(f -> uris.add(new PodSpec.Artifact(f, false, false, null)));
        if (executors != null) {
            uris.add(new PodSpec.Artifact(executors.pluginJar(), false, false, PLUGIN_FILE));
        }
        // the command is only what an executor without a Spark runner would run
        String command = "echo 'this task needs the mesos-operator executor with its Spark runner' >&2; exit 2";
        return new PodSpec(key, run, driver.cores(), memory + overhead, 0, command, env, uris,
                executors == null ? List.of(UI_PORT) : List.of("driver", "blockmanager", UI_PORT), null, Duration.ofSeconds(10), hash, null,
                List.of(), null, null, spec.placementOrAnywhere().requiredAttributes());
    }

    /**
     * Dynamic allocation on, shuffle tracking not set and no external shuffle service: Spark then
     * needs shuffle tracking to know which executors it may give back.
     */
    static boolean needsShuffleTracking(Map<String, String> conf) {
        return "true".equalsIgnoreCase(conf.getOrDefault("spark.dynamicAllocation.enabled", "").trim())
                && !conf.containsKey(SHUFFLE_TRACKING)
                && !"true".equalsIgnoreCase(conf.getOrDefault("spark.shuffle.service.enabled", "").trim());
    }

    /** Adds what Spark users look for to each run: the application id and the driver's log. */
    static JsonNode withSparkDetails(JsonNode workload) {
        if (!(workload instanceof ObjectNode job)) {
            return workload;
        }
        String latestAppId = null;
        JsonNode latestSet = null;
        int latestRun = 0;
        for (JsonNode run : job.path("runs")) {
            ObjectNode r = (ObjectNode) run;
            Matcher m = MESSAGE.matcher(r.path("message").asText(""));
            JsonNode set = r.path(SparkExecutors.SET_FIELD);
            if (m.find() && !m.group(1).equals("-")) {
                r.put("applicationId", m.group(1));
                latestAppId = m.group(1);
            } else if (set.hasNonNull("applicationId")) {
                r.put("applicationId", set.get("applicationId").asText());
                latestAppId = set.get("applicationId").asText();
            }
            if (r.hasNonNull("sandbox")) {
                r.put("driverLog", r.get("sandbox").asText() + "/" + DRIVER_LOG);
            }
            if (set.isObject()) {
                latestSet = set;
                latestRun = r.path("run").asInt();
                if (JobStatus.RUNNING.equals(r.path("state").asText()) && set.hasNonNull("uiUrl")) {
                    r.put("sparkUi", set.get("uiUrl").asText());
                    job.put("sparkUi", set.get("uiUrl").asText());
                }
            }
        }
        if (latestAppId != null) {
            job.put("applicationId", latestAppId);
        }
        if (latestSet != null) {
            // the executors of the latest run that had any, as `get`/`describe` show them
            job.set("executors", SparkExecutors.summary(latestRun, SparkExecutors.read(latestSet)));
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
