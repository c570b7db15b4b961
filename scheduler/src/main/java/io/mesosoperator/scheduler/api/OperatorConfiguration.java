package io.mesosoperator.scheduler.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.mesosoperator.scheduler.spec.SpecLimits;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/**
 * The operator's configuration file (every key has a default; the embedded mode needs none).
 * The API listens on 127.0.0.1:8080 and the admin port (health, metrics) on 127.0.0.1:8081
 * unless the `server` section says otherwise.
 */
public class OperatorConfiguration extends Configuration {
    @Valid
    @NotNull
    @JsonProperty
    public MesosSettings mesos = new MesosSettings();

    @Valid
    @NotNull
    @JsonProperty
    public ZooKeeperSettings zookeeper = new ZooKeeperSettings();

    @Valid
    @NotNull
    @JsonProperty
    public ReconcileSettings reconcile = new ReconcileSettings();

    @Valid
    @NotNull
    @JsonProperty
    public WorkloadSettings workloads = new WorkloadSettings();

    @Valid
    @NotNull
    @JsonProperty
    public ApiSettings api = new ApiSettings();

    @Valid
    @NotNull
    @JsonProperty
    public LimitSettings limits = new LimitSettings();

    @Valid
    @NotNull
    @JsonProperty
    public MonitoringSettings monitoring = new MonitoringSettings();

    public static class MonitoringSettings {
        /** How often each agent running tasks of ours is asked for their CPU and memory (/monitor/statistics). */
        @DecimalMin("1")
        @JsonProperty
        public double taskUsageIntervalSeconds = 15;

        /** How often the workloads' own metrics are collected (Kafka's AdminClient, Cassandra's JMX, ...). */
        @DecimalMin("1")
        @JsonProperty
        public double workloadIntervalSeconds = 15;

        /** How long one workload (a cluster, a node) may take to answer before its series are left out of a round. */
        @DecimalMin("1")
        @JsonProperty
        public double workloadTimeoutSeconds = 10;

        /** How often the series the dashboard charts are sampled (GET /v1/metrics/history). */
        @DecimalMin("1")
        @JsonProperty
        public double historyIntervalSeconds = 10;

        /** How many samples of them are kept in memory (360 at 10 s: the last hour). */
        @Min(2)
        @JsonProperty
        public int historyPoints = 360;

        @Valid
        @NotNull
        @JsonProperty
        public AnomalySettings anomalies = new AnomalySettings();
    }

    /** The anomaly monitor (README, Anomalies): which series it watches and how it judges them. */
    public static class AnomalySettings {
        /** Whether the leading operator watches series for anomalies at all. */
        @JsonProperty
        public boolean enabled = true;

        /** How often the watched series are read (no shorter than the collectors' intervals). */
        @DecimalMin("0.1")
        @JsonProperty
        public double intervalSeconds = 15;

        /** Points each series is learnt from before anything may be flagged. */
        @Min(2)
        @JsonProperty
        public int warmUpPoints = 30;

        /** Points in a row beyond the threshold, on one side, that make a deviation. */
        @Min(2)
        @JsonProperty
        public int sustainPoints = 5;

        /** Points in a row back within the threshold that clear it. */
        @Min(1)
        @JsonProperty
        public int recoverPoints = 3;

        /** How many robust standard deviations away a point must lie to count. */
        @DecimalMin("0.5")
        @JsonProperty
        public double threshold = 4;

        /** The weight of a new point in a baseline (about 2/alpha - 1 points make it up). */
        @DecimalMin("0.001")
        @jakarta.validation.constraints.DecimalMax("1")
        @JsonProperty
        public double alpha = 0.05;

        /** How long before a deviation began a change still counts as correlated with it. */
        @DecimalMin("1")
        @JsonProperty
        public double correlationWindowSeconds = 600;

        /** The watched families: name, optional labels a series must carry, and the floor of its scale. */
        @Valid
        @NotNull
        @JsonProperty
        public java.util.List<Watched> watch = java.util.List.of(
                Watched.of("mesos_operator_task_memory_bytes", 4 * 1024 * 1024),
                Watched.of("mesos_operator_task_cpu_seconds_total", 0.05),
                Watched.of("mesos_operator_kafka_consumer_group_lag", 10),
                Watched.of("mesos_operator_kafka_under_replicated_partitions", 0.2));

        public static class Watched {
            @NotEmpty
            @JsonProperty
            public String series;

            @JsonProperty
            public java.util.Map<String, String> labels = java.util.Map.of();

            /** The smallest robust standard deviation assumed, in the series' unit (bytes, cores, messages). */
            @DecimalMin(value = "0", inclusive = false)
            @JsonProperty
            public double absoluteFloor = 1;

            static Watched of(String series, double absoluteFloor) {
                Watched w = new Watched();
                w.series = series;
                w.absoluteFloor = absoluteFloor;
                return w;
            }
        }
    }

    public OperatorConfiguration() {
        DefaultServerFactory server = (DefaultServerFactory) getServerFactory();
        HttpConnectorFactory api = (HttpConnectorFactory) server.getApplicationConnectors().get(0);
        api.setBindHost("127.0.0.1");
        api.setPort(8080);
        HttpConnectorFactory admin = (HttpConnectorFactory) server.getAdminConnectors().get(0);
        admin.setBindHost("127.0.0.1");
        admin.setPort(8081);
    }

    public static class MesosSettings {
        /** http://host:5050 of the (leading) master. */
        @NotEmpty
        @JsonProperty
        public String master = "http://127.0.0.1:5050";

        /** protobuf or json, for both directions of the scheduler API. */
        @NotEmpty
        @JsonProperty
        public String contentType = "protobuf";

        @NotEmpty
        @JsonProperty
        public String frameworkName = "mesos-operator";

        @NotEmpty
        @JsonProperty
        public String role = "*";

        /** The Unix user tasks run as; empty means the user running the operator. */
        @JsonProperty
        public String user = "";

        /** How long Mesos keeps our tasks running while the operator is away (one week). */
        @DecimalMin("0")
        @JsonProperty
        public double failoverTimeoutSeconds = 7 * 24 * 3600;

        /** Framework principal, for masters that authenticate frameworks (HTTP basic). */
        @JsonProperty
        public String principal;

        /** File holding the principal's secret (never logged). */
        @JsonProperty
        public String secretFile;

        /** URI agents fetch the executor jar from; default: the jar next to this operator. */
        @JsonProperty
        public String executorUri;

        /** The java the agents run the executor with. */
        @NotEmpty
        @JsonProperty
        public String javaCommand = "java";

        @DecimalMin("0.01")
        @JsonProperty
        public double executorCpus = 0.05;

        @DecimalMin("16")
        @JsonProperty
        public double executorMemMb = 64;
    }

    public static class ZooKeeperSettings {
        @NotEmpty
        @JsonProperty
        public String connect = "127.0.0.1:2181";

        /** State lives under ROOT/FRAMEWORK_NAME. */
        @NotEmpty
        @JsonProperty
        public String root = "/mesos-operator";
    }

    public static class ApiSettings {
        /**
         * A file holding the bearer token(s), one per line; when set, every write needs one, the
         * admin port's tasks (POST /tasks/*) included.
         */
        @JsonProperty
        public String tokenFile;

        /** With a token file: whether reads need a token too. */
        @JsonProperty
        public boolean protectReads = false;

        /** How many GET /v1/events streams may be open at once; one more is answered 429. */
        @Min(1)
        @JsonProperty
        public int maxWatchers = 2000;

        /** How many Kubernetes watches (?watch=true, e.g. kubectl get -w) may be open at once; one more gets 429. */
        @Min(1)
        @JsonProperty
        public int maxKubeWatches = 100;

        /** A directory whose YAML/JSON files are applied whenever they change. */
        @JsonProperty
        public String specsDir;

        /** With specsDir: deleting a file deletes the resource it declared. */
        @JsonProperty
        public boolean prune = false;
    }

    /**
     * What one spec may cost, through the API or in the specs directory; refused beyond, before
     * it is parsed further or stored (defaults: {@link SpecLimits#DEFAULTS}).
     */
    public static class LimitSettings {
        /** Bytes of a request body or a specs-dir file (the spec is stored twice in one 1 MiB ZooKeeper request). */
        @Min(1)
        @JsonProperty
        public int maxSpecBytes = SpecLimits.DEFAULTS.maxSpecBytes();

        /** How deep mappings and lists may nest. */
        @Min(1)
        @JsonProperty
        public int maxDepth = SpecLimits.DEFAULTS.maxDepth();

        /** Keys and list elements in all, counting what aliases expand to. */
        @Min(1)
        @JsonProperty
        public int maxValues = SpecLimits.DEFAULTS.maxValues();

        /** YAML aliases (*name) in one document. */
        @Min(0)
        @JsonProperty
        public int maxAliases = SpecLimits.DEFAULTS.maxAliases();

        public SpecLimits toSpecLimits() {
            return new SpecLimits(maxSpecBytes, maxDepth, maxValues, maxAliases);
        }
    }

    /** Where agents fetch the workload distributions specs do not name themselves. */
    public static class WorkloadSettings {
        /**
         * URI of the Kafka tarball (kafka/libs/*.jar inside), e.g. an https:// URL agents can reach.
         * Default: the one dists/ builds, when found (embedded mode, tests).
         */
        @JsonProperty
        public String kafkaDistribution;

        /**
         * URI of the Cassandra tarball (cassandra/lib/*.jar, cassandra/conf/logback.xml and
         * cassandra/conf/jvm17.flags inside). Default: the one dists/ builds, when found.
         */
        @JsonProperty
        public String cassandraDistribution;

        /**
         * URI of the Spark tarball SparkJobs run with (a SPARK_HOME: spark/jars/*.jar and
         * spark/bin/spark-submit inside). Default: the one dists/ builds, when found.
         */
        @JsonProperty
        public String sparkDistribution;

        /**
         * Spark tarballs by Spark version ("3.5.7": URI, "4.1.1": URI), which SparkJob specs choose with
         * spec.sparkVersion ("4" takes the newest 4.x). Unset: the Spark 3.5 and Spark 4 tarballs dists/
         * builds, where found.
         */
        @JsonProperty
        public java.util.Map<String, String> sparkDistributions;

        /**
         * URI of the Spark plugin jar (mesos-operator-spark-plugin.jar) that SparkJob drivers with
         * executors fetch and put on their class path. Unset: the one beside the operator's jar (or
         * in the build tree), served to agents as file://, like the executor jar.
         */
        @JsonProperty
        public String sparkPlugin;

        /**
         * URI of the AkkaService sample tarball (pekko-cluster/lib/*.jar inside), the artifact of
         * specs that name none. Default: the one sample-apps/ builds, when found.
         */
        @JsonProperty
        public String pekkoSampleDistribution;
    }

    public static class ReconcileSettings {
        @DecimalMin("0.1")
        @JsonProperty
        public double backoffInitialSeconds = 1;

        @DecimalMin("1")
        @JsonProperty
        public double backoffFactor = 2;

        @DecimalMin("0.1")
        @JsonProperty
        public double backoffMaxSeconds = 60;

        @Min(1)
        @JsonProperty
        public double backoffResetSeconds = 60;

        /** A task on an unreachable agent is replaced elsewhere after this long. */
        @DecimalMin("0")
        @JsonProperty
        public double replaceUnreachableAfterSeconds = 60;
    }
}
