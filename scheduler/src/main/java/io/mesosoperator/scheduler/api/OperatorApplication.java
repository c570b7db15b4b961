package io.mesosoperator.scheduler.api;

import com.codahale.metrics.health.HealthCheck;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.scheduler.mesos.MesosClient;
import io.mesosoperator.scheduler.mesos.TaskFactory;
import io.mesosoperator.scheduler.reconcile.Backoff;
import io.mesosoperator.scheduler.reconcile.Operator;
import io.mesosoperator.scheduler.reconcile.Reconciler;
import io.mesosoperator.scheduler.reconcile.RecoveryPolicy;
import io.mesosoperator.scheduler.service.ServiceReconciler;
import io.mesosoperator.scheduler.spec.SpecValidator;
import io.mesosoperator.scheduler.state.ZkStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;

/** Wires the operator: ZooKeeper store, control loop, Mesos client, REST API, health checks. */
public final class OperatorApplication extends Application<OperatorConfiguration> {
    private Operator operator;

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
        List<Reconciler> kinds = List.of(new ServiceReconciler(recovery));
        TaskFactory.ExecutorSettings executor = new TaskFactory.ExecutorSettings(m.javaCommand,
                m.executorUri != null ? m.executorUri : ExecutorJar.locate().toUri().toString(), m.executorCpus, m.executorMemMb);
        operator = new Operator(store, kinds, executor, new Operator.Identity(m.frameworkName, m.role, m.principal),
                Clock.systemUTC());
        MesosClient mesos = new MesosClient(new MesosClient.Settings(m.master, ContentType.parse(m.contentType),
                frameworkInfo(m), Duration.ofMillis(500), Duration.ofSeconds(15), Optional.ofNullable(m.principal),
                readSecret(m.secretFile)),
                () -> store.frameworkId().map(id -> FrameworkID.newBuilder().setValue(id).build()), operator);

        env.lifecycle().manage(new Managed() {
            @Override
            public void start() throws Exception {
                store.start();
                operator.start(mesos);
                mesos.start();
            }

            @Override
            public void stop() {
                // no TEARDOWN: tasks keep running until a new operator takes over (failover_timeout)
                mesos.close();
                operator.close();
                store.close();
            }
        });
        SpecValidator validator = new SpecValidator(kinds.stream().map(Reconciler::kind).toList());
        env.jersey().register(new ResourcesApi(operator, validator, env.getObjectMapper()));
        env.jersey().register(new TasksApi(operator));
        env.healthChecks().register("zookeeper", new HealthCheck() {
            @Override
            protected Result check() {
                return store.connected() ? Result.healthy() : Result.unhealthy("not connected to " + config.zookeeper.connect);
            }
        });
        env.healthChecks().register("mesos", new HealthCheck() {
            @Override
            protected Result check() {
                return mesos.isSubscribed() ? Result.healthy("subscribed to " + mesos.master())
                        : Result.unhealthy("not subscribed to " + mesos.master());
            }
        });
    }

    /** The running control loop (for the embedded mode and tests). */
    public Operator operator() {
        return operator;
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
