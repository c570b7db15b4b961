package io.mesosoperator.scheduler.api;

import com.codahale.metrics.health.HealthCheck;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.mesosoperator.mesos.Backoff;
import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.scheduler.agents.HttpAgentStatistics;
import io.mesosoperator.scheduler.akka.AkkaProbe;
import io.mesosoperator.scheduler.akka.AkkaReconciler;
import io.mesosoperator.scheduler.cassandra.CassandraMetrics;
import io.mesosoperator.scheduler.cassandra.CassandraProbe;
import io.mesosoperator.scheduler.cassandra.CassandraReconciler;
import io.mesosoperator.scheduler.events.WatchHub;
import io.mesosoperator.scheduler.kafka.KafkaMetrics;
import io.mesosoperator.scheduler.kafka.KafkaProbe;
import io.mesosoperator.scheduler.kafka.KafkaReconciler;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
import io.mesosoperator.scheduler.mesos.FrameworkIdentity;
import io.mesosoperator.scheduler.mesos.MesosClient;
import io.mesosoperator.scheduler.anomaly.DetectorSettings;
import io.mesosoperator.scheduler.metrics.OperatorMetrics;
import io.mesosoperator.scheduler.metrics.MetricsHistory;
import io.mesosoperator.scheduler.metrics.SeriesReader;
import io.mesosoperator.scheduler.monitor.AnomalyMonitor;
import io.mesosoperator.scheduler.monitor.WatchedSeries;
import io.mesosoperator.scheduler.metrics.TaskUsage;
import io.mesosoperator.scheduler.metrics.WorkloadJvms;
import io.mesosoperator.scheduler.metrics.WorkloadMetrics;
import io.mesosoperator.scheduler.operator.Operator;
import io.mesosoperator.scheduler.placement.TaskFactory;
import io.mesosoperator.scheduler.service.ServiceReconciler;
import io.mesosoperator.scheduler.spec.SpecValidator;
import io.mesosoperator.scheduler.state.Leadership;
import io.mesosoperator.scheduler.state.ZkReads;
import io.mesosoperator.scheduler.state.ZkStore;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;

/** Wires the operator: ZooKeeper store, control loop, Mesos client, REST API, health checks. */
public final class OperatorApplication extends Application<OperatorConfiguration> {

    /** The tarballs this build's dists/ makes, by kind, named from the parent POM's versions. */
    private static final java.util.Properties BUILT_DISTRIBUTIONS = builtDistributions();
    /** The Kafka tarball dists/ builds: found like the executor jar when workloads.kafkaDistribution is unset. */
    private static final String[] KAFKA_DIST = {BUILT_DISTRIBUTIONS.getProperty("kafka"), "dists/target",
            "mesos.operator.kafka.dist", "MESOS_OPERATOR_KAFKA_DIST"};
    /** The Pekko sample sample-apps/ builds: the AkkaService artifact when workloads.pekkoSampleDistribution is unset. */
    private static final String[] PEKKO_SAMPLE_DIST = {"pekko-cluster.tgz", "sample-apps/pekko-cluster/target",
            "mesos.operator.pekko.sample.dist", "MESOS_OPERATOR_PEKKO_SAMPLE_DIST"};
    /** The Cassandra tarball dists/ builds, found the same way when workloads.cassandraDistribution is unset. */
    private static final String[] CASSANDRA_DIST = {BUILT_DISTRIBUTIONS.getProperty("cassandra"), "dists/target",
            "mesos.operator.cassandra.dist", "MESOS_OPERATOR_CASSANDRA_DIST"};
    /** The Spark tarball dists/ builds (a SPARK_HOME), found the same way when workloads.sparkDistribution is unset. */
    private static final String[] SPARK_DIST = {BUILT_DISTRIBUTIONS.getProperty("spark"), "dists/target",
            "mesos.operator.spark.dist", "MESOS_OPERATOR_SPARK_DIST"};
    /** The Spark 4 tarball dists/ builds, offered to specs whose sparkVersion asks for it. */
    private static final String[] SPARK4_DIST = {BUILT_DISTRIBUTIONS.getProperty("spark4"), "dists/target",
            "mesos.operator.spark4.dist", "MESOS_OPERATOR_SPARK4_DIST"};

    /** The Spark plugin jar spark-plugin/ builds, which drivers with executors get when workloads.sparkPlugin is unset. */
    private static final String[] SPARK_PLUGIN = {"mesos-operator-spark-plugin.jar", "spark-plugin/target",
            "mesos.operator.spark.plugin.jar", "MESOS_OPERATOR_SPARK_PLUGIN_JAR"};

    /** distributions.properties, which the build writes from the parent POM's versions. */
    private static java.util.Properties builtDistributions() {
        java.util.Properties names = new java.util.Properties();
        try (java.io.InputStream in = OperatorApplication.class.getResourceAsStream("/distributions.properties")) {
            if (in == null) {
                throw new IllegalStateException("distributions.properties is not on the classpath (the build writes it)");
            }
            names.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return names;
    }

    private static String distribution(String configured, String[] built) {
        if (configured != null) {
            return configured;
        }
        return ExecutorJar.locate(built[0], built[1], built[2], built[3]).map(p -> p.toUri().toString()).orElse(null);
    }

    /**
     * The default Spark tarball and those specs choose by sparkVersion: the configured map, or else the two
     * dists/ builds (Spark 3.5 and Spark 4) where found, each under its own version.
     */
    private static io.mesosoperator.scheduler.spark.SparkDistributions sparkDistributions(
            OperatorConfiguration.WorkloadSettings workloads) {
        String defaultUri = distribution(workloads.sparkDistribution, SPARK_DIST);
        java.util.Map<String, String> byVersion = new java.util.LinkedHashMap<>();
        if (workloads.sparkDistributions != null) {
            byVersion.putAll(workloads.sparkDistributions);
        } else {
            ExecutorJar.locate(SPARK_DIST[0], SPARK_DIST[1], SPARK_DIST[2], SPARK_DIST[3]).ifPresent(p ->
                    byVersion.put(BUILT_DISTRIBUTIONS.getProperty("spark.version"), p.toUri().toString()));
            ExecutorJar.locate(SPARK4_DIST[0], SPARK4_DIST[1], SPARK4_DIST[2], SPARK4_DIST[3]).ifPresent(p ->
                    byVersion.put(BUILT_DISTRIBUTIONS.getProperty("spark4.version"), p.toUri().toString()));
        }
        return new io.mesosoperator.scheduler.spark.SparkDistributions(defaultUri, byVersion);
    }

    @Override
    public String getName() {
        return "mesos-operator";
    }

    @Override
    public void run(OperatorConfiguration config, Environment env) throws IOException {
        OperatorConfiguration.MesosSettings m = config.mesos;
        ZkStore store = new ZkStore(config.zookeeper.connect, config.zookeeper.root + "/" + m.frameworkName);
        Backoff backoff = new Backoff(seconds(config.reconcile.backoffInitialSeconds), config.reconcile.backoffFactor,
                seconds(config.reconcile.backoffMaxSeconds), seconds(config.reconcile.backoffResetSeconds));
        RecoveryPolicy recovery = new RecoveryPolicy(backoff, seconds(config.reconcile.replaceUnreachableAfterSeconds));
        KafkaProbe kafkaProbe = new KafkaProbe();
        AkkaProbe akkaProbe = new AkkaProbe();
        CassandraProbe cassandraProbe = new CassandraProbe();
        env.lifecycle().manage(new io.dropwizard.lifecycle.Managed() {
            @Override
            public void stop() {
                kafkaProbe.close();
                akkaProbe.close();
                cassandraProbe.close();
            }
        });
        List<Reconciler> kinds = List.of(new ServiceReconciler(recovery),
                new AkkaReconciler(recovery, distribution(config.workloads.pekkoSampleDistribution, PEKKO_SAMPLE_DIST),
                        akkaProbe, store::secret),
                new KafkaReconciler(recovery, distribution(config.workloads.kafkaDistribution, KAFKA_DIST), kafkaProbe,
                        store::secret),
                new CassandraReconciler(recovery, distribution(config.workloads.cassandraDistribution, CASSANDRA_DIST),
                        cassandraProbe, store::secret),
                new io.mesosoperator.scheduler.spark.SparkJobReconciler(sparkDistributions(config.workloads),
                        distribution(config.workloads.sparkPlugin, SPARK_PLUGIN), apiAddress::get, store::secret));
        TaskFactory.ExecutorSettings executor = new TaskFactory.ExecutorSettings(m.javaCommand,
                m.executorUri != null ? m.executorUri : ExecutorJar.locate().toUri().toString(), m.executorCpus, m.executorMemMb);
        FrameworkIdentity identity = new FrameworkIdentity(m.frameworkName, m.role, m.principal);
        WatchHub watchHub = new WatchHub();
        PrometheusRegistry prometheus = new PrometheusRegistry();
        JvmMetrics.builder().register(prometheus); // the standard jvm_* series, as every JVM exporter names them
        OperatorMetrics metrics = new OperatorMetrics(prometheus, kinds.stream().map(r -> r.kind().kind()).toList(),
                this::operator, () -> term != null);
        env.admin().addServlet("prometheus", new PrometheusMetricsServlet(prometheus)).addMapping("/metrics/prometheus");
        TaskUsage taskUsage = new TaskUsage(prometheus, this::operator, new HttpAgentStatistics(Duration.ofSeconds(5)),
                seconds(config.monitoring.taskUsageIntervalSeconds));
        KafkaMetrics kafkaMetrics = new KafkaMetrics();
        WorkloadMetrics workloadMetrics = new WorkloadMetrics(prometheus, this::operator, List.of(kafkaMetrics,
                        new CassandraMetrics(cassandraProbe),
                        // a Pekko replica's cluster beans would repeat AkkaMetrics' membership: its JVM's series only
                        new WorkloadJvms(java.util.Map.of(KafkaReconciler.KIND.kind(), KafkaMetrics.BROKER_BEANS,
                                CassandraReconciler.KIND.kind(), CassandraMetrics.NODE_BEANS,
                                AkkaReconciler.KIND.kind(), io.mesosoperator.scheduler.kind.Jmx.Beans.NONE),
                                store::existingSecret),
                        new io.mesosoperator.scheduler.spark.SparkMetrics(),
                        new io.mesosoperator.scheduler.akka.AkkaMetrics(akkaProbe)),
                seconds(config.monitoring.workloadIntervalSeconds), seconds(config.monitoring.workloadTimeoutSeconds));
        // the leader's autoscaler and the dashboard's history read the same exported series back (what Prometheus scrapes)
        SeriesReader exported = new SeriesReader(prometheus);
        io.mesosoperator.scheduler.autoscale.Autoscaler autoscaler = new io.mesosoperator.scheduler.autoscale.Autoscaler(
                kinds.stream().map(Reconciler::kind).toList(), this::operator, exported, Clock.systemUTC());
        MetricsHistory metricsHistory = new MetricsHistory(exported, MetricsHistory.SERIES,
                seconds(config.monitoring.historyIntervalSeconds), config.monitoring.historyPoints, Clock.systemUTC());
        env.lifecycle().manage(new Managed() {
            @Override
            public void start() {
                taskUsage.start();
                workloadMetrics.start();
                autoscaler.start();
                metricsHistory.start();
            }

            @Override
            public void stop() {
                autoscaler.close();
                taskUsage.close();
                workloadMetrics.close();
                kafkaMetrics.close();
                metricsHistory.close();
            }
        });
        anomalyMonitor = anomalyMonitor(config.monitoring.anomalies, kinds, prometheus);
        if (anomalyMonitor != null) {
            AnomalyMonitor monitor = anomalyMonitor;
            env.lifecycle().manage(new Managed() {
                @Override
                public void start() {
                    monitor.start();
                }

                @Override
                public void stop() {
                    monitor.close();
                }
            });
        }
        MesosClient.Settings mesosSettings = new MesosClient.Settings(m.master, ContentType.parse(m.contentType),
                frameworkInfo(m), Duration.ofMillis(500), Duration.ofSeconds(15), Optional.ofNullable(m.principal),
                readSecret(m.secretFile));

        // One term per leadership: a fresh control loop and Mesos subscription, from ZooKeeper's state,
        // writing through a store fenced by the term (once a newer term began, its writes fail and it stops).
        ExecutorService terms = Executors.newSingleThreadExecutor(r -> new Thread(r, "leadership-terms"));
        Leadership.Listener onLeadership = new Leadership.Listener() {
            @Override
            public void lead() {
                terms.execute(() -> {
                    metrics.termBegan();
                    java.util.concurrent.atomic.AtomicReference<Term> self = new java.util.concurrent.atomic.AtomicReference<>();
                    ZkStore termStore = store.beginTerm(() -> stopActing(self.get(), terms));
                    Operator next = new Operator(termStore, kinds, executor, identity, metrics, watchHub, Clock.systemUTC());
                    MesosClient client = new MesosClient(mesosSettings,
                            () -> store.frameworkId().map(id -> FrameworkID.newBuilder().setValue(id).build()), next);
                    self.set(new Term(next, client));
                    next.start(client);
                    client.start();
                    term = self.get();
                });
            }

            @Override
            public void follow() {
                Term ending = term;
                term = null; // stop acting at once: the API turns read-only before anything is torn down
                if (ending != null) {
                    terms.execute(ending::close);
                }
            }
        };
        env.lifecycle().manage(new Managed() {
            @Override
            public void start() throws Exception {
                store.start();
            }

            @Override
            public void stop() throws Exception {
                // no TEARDOWN: tasks keep running until a new leader takes over (failover_timeout)
                if (leadership != null) {
                    leadership.close();
                }
                Term ending = term;
                term = null;
                if (ending != null) {
                    ending.close();
                }
                terms.shutdown();
                store.close();
            }
        });
        // the election starts once the API listens, with the API's address as this instance's id
        env.lifecycle().addServerLifecycleListener(new io.dropwizard.lifecycle.ServerLifecycleListener() {
            @Override
            public void serverStarted(org.eclipse.jetty.server.Server server) {
                apiAddress.set(apiHost(server) + ":" + getLocalPort(server));
                String self = "http://" + apiAddress.get();
                leadership = new Leadership(store.client(), store.root() + "/leader", self, onLeadership);
                try {
                    leadership.start();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot join the leader election: " + e.getMessage(), e);
                }
            }
        });
        OperatorAccess access = new OperatorAccess(this::operator, new ZkReads(store), this::otherLeader);
        SpecValidator validator = new SpecValidator(kinds.stream().map(Reconciler::kind).toList());
        if (config.api.specsDir != null) {
            SpecsDirectory specsDir = new SpecsDirectory(Path.of(config.api.specsDir), config.api.prune, validator,
                    config.limits.toSpecLimits(), this::operator);
            env.lifecycle().manage(new Managed() {
                @Override
                public void start() {
                    specsDir.start();
                }

                @Override
                public void stop() {
                    specsDir.close();
                }
            });
        }
        BearerAuthFilter auth = config.api.tokenFile == null ? null
                : BearerAuthFilter.fromFile(Path.of(config.api.tokenFile), config.api.protectReads, store::existingSecret);
        if (auth != null) {
            env.jersey().register(auth);
            // the admin port's tasks (POST /tasks/log-level, /tasks/gc) are writes like any other
            env.admin().addFilter("bearer-token", auth.servletFilter())
                    .addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), true, "/*");
        }
        env.lifecycle().addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(org.eclipse.jetty.util.component.LifeCycle event) {
                watchHub.endAll(); // open watch streams must not hold the server's shutdown
                kubeWatchesStop.run();
            }
        });
        EventStreams eventStreams = new EventStreams(watchHub, env.getObjectMapper(), config.api.maxWatchers,
                EventStreams.KEEP_ALIVE);
        env.lifecycle().manage(eventStreams);
        jakarta.servlet.ServletRegistration.Dynamic events = env.servlets().addServlet("events",
                new EventsServlet(eventStreams, auth));
        events.setAsyncSupported(true);
        events.addMapping("/v1/events");
        // limits and path parameters are checked before any resource method reads a body or the store
        env.jersey().register(new BodySizeLimit(config.limits.toSpecLimits()));
        env.jersey().register(new ResourcePathFilter(validator));
        env.jersey().register(new ResourcesApi(access, validator, env.getObjectMapper(), config.limits.toSpecLimits()));
        env.jersey().register(new TasksApi(access));
        env.jersey().register(new MetricsHistoryApi(metricsHistory));
        env.jersey().register(new KindsApi(kinds.stream().map(Reconciler::kind).toList()));
        Dashboard.register(env);
        env.jersey().register(new KindCallsApi(access, validator));
        env.jersey().register(new LogsApi(access, env.getObjectMapper(), validator::canonicalKind));
        // the Kubernetes API of the same resources, for kubectl and other Kubernetes clients
        io.mesosoperator.scheduler.api.kube.KubeKinds kubeKinds = new io.mesosoperator.scheduler.api.kube.KubeKinds(
                kinds.stream().map(Reconciler::kind).toList());
        io.mesosoperator.scheduler.api.kube.KubeWatches kubeWatches = new io.mesosoperator.scheduler.api.kube.KubeWatches(
                watchHub, env.getObjectMapper(), config.api.maxKubeWatches);
        kubeWatchesStop = kubeWatches::stopAll;
        env.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                kubeWatches.close();
            }
        });
        env.jersey().register(new io.mesosoperator.scheduler.api.kube.KubeResourcesApi(kubeKinds, access::reads,
                this::operator, access::notLeaderMessage, validator, config.limits.toSpecLimits(), env.getObjectMapper(),
                kubeWatches));
        env.jersey().register(new io.mesosoperator.scheduler.api.kube.KubeCoreApi(kubeKinds, access::reads,
                env.getObjectMapper()));
        env.jersey().register(new io.mesosoperator.scheduler.api.kube.KubeDiscoveryApi(env.getObjectMapper(),
                new io.mesosoperator.scheduler.api.kube.KubeOpenApi(kubeKinds, env.getObjectMapper())));
        env.jersey().register(new DiagnosisApi(access, anomalyMonitor, env.getObjectMapper(), validator::canonicalKind));
        env.healthChecks().register("zookeeper", new HealthCheck() {
            @Override
            protected Result check() {
                return store.connected() ? Result.healthy() : Result.unhealthy("not connected to " + config.zookeeper.connect);
            }
        });
        env.healthChecks().register("mesos", new HealthCheck() {
            @Override
            protected Result check() {
                Term t = term;
                if (t == null) {
                    return Result.healthy("follower: the leader (" + (leadership == null ? "?"
                            : leadership.leader().orElse("none yet")) + ") talks to Mesos");
                }
                return t.mesos().isSubscribed() ? Result.healthy("leader, subscribed to " + t.mesos().master())
                        : Result.unhealthy("leader, not subscribed to " + t.mesos().master());
            }
        });
    }

    /**
     * A term whose writes found a newer term (another operator leads now) stops acting, after it
     * started if it is still starting; the latch tells this instance it follows soon after.
     */
    private void stopActing(Term deposed, ExecutorService terms) {
        try {
            terms.execute(() -> {
                if (deposed != null && term == deposed) {
                    term = null;
                    deposed.close();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the server is stopping: it closes the term itself
        }
    }

    /** The acting operator and its subscription for one leadership term. */
    private record Term(Operator operator, MesosClient mesos) {
        void close() {
            mesos.close();
            operator.close();
        }
    }

    private volatile Term term;
    /** Ends the Kubernetes watches when the server stops (set once they exist). */
    private volatile Runnable kubeWatchesStop = () -> { };
    /** "host:port" of this instance's API once it listens: where Spark drivers ask for their executors. */
    private final java.util.concurrent.atomic.AtomicReference<String> apiAddress = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile Leadership leadership;

    private static String apiHost(org.eclipse.jetty.server.Server server) {
        for (org.eclipse.jetty.server.Connector c : server.getConnectors()) {
            if (c instanceof org.eclipse.jetty.server.ServerConnector sc && !"admin".equals(sc.getName())) {
                String host = sc.getHost();
                return host == null || host.equals("0.0.0.0") ? java.net.InetAddress.getLoopbackAddress().getHostAddress() : host;
            }
        }
        return "127.0.0.1";
    }

    /** The anomaly monitor on the acting operator's series, or null when monitoring.anomalies.enabled is false. */
    private AnomalyMonitor anomalyMonitor(OperatorConfiguration.AnomalySettings a, List<Reconciler> kinds,
                                          PrometheusRegistry prometheus) {
        if (!a.enabled) {
            return null;
        }
        DetectorSettings d = DetectorSettings.DEFAULTS;
        DetectorSettings detector = new DetectorSettings(a.alpha, a.warmUpPoints, a.threshold, a.sustainPoints,
                a.recoverPoints, d.clip(), d.relativeFloor(), d.absoluteFloor(), Math.max(d.rebaselineAfter(), a.sustainPoints + 1));
        AnomalyMonitor.Settings settings = new AnomalyMonitor.Settings(seconds(a.intervalSeconds), detector,
                seconds(a.correlationWindowSeconds),
                a.watch.stream().map(w -> new WatchedSeries(w.series, w.labels, w.absoluteFloor)).toList());
        return new AnomalyMonitor(settings, kinds.stream().map(r -> r.kind().kind()).toList(), new SeriesReader(prometheus),
                () -> {
                    Operator acting = operator();
                    return acting == null ? null : new AnomalyMonitor.Acting(acting, acting.eventRecorder(), acting::setCondition,
                            new AnomalyMonitor.KeptProfiles(acting::dailyProfiles, acting::putDailyProfiles));
                }, Clock.systemUTC());
    }

    private volatile AnomalyMonitor anomalyMonitor;

    /** The leading operator's API URL when another instance leads (none before the election ran). */
    private Optional<String> otherLeader() {
        Leadership l = leadership;
        return l == null ? Optional.empty() : l.leader().filter(id -> !id.equals(l.self()));
    }

    /** The acting control loop while this instance leads, else null (for the embedded mode and tests). */
    public Operator operator() {
        Term t = term;
        return t == null ? null : t.operator();
    }

    private static FrameworkInfo frameworkInfo(OperatorConfiguration.MesosSettings m) {
        FrameworkInfo.Builder info = FrameworkInfo.newBuilder()
                .setName(m.frameworkName)
                .setUser(m.user == null || m.user.isEmpty() ? System.getProperty("user.name") : m.user)
                .setFailoverTimeout(m.failoverTimeoutSeconds)
                .setCheckpoint(true)
                .setRole(m.role)
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.TASK_KILLING_STATE));
        if (m.principal != null) {
            info.setPrincipal(m.principal);
        }
        return info.build();
    }

    private static Optional<String> readSecret(String file) throws IOException {
        if (file == null) {
            return Optional.empty();
        }
        return Optional.of(Files.readString(Path.of(file), StandardCharsets.UTF_8).trim());
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }
}
