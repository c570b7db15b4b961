package io.mesosoperator.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.launcher.LauncherBackend;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.rpc.RpcEndpointAddress;
import org.apache.spark.scheduler.ExecutorExited;
import org.apache.spark.scheduler.ExecutorKilled$;
import org.apache.spark.scheduler.ExecutorLossReason;
import org.apache.spark.scheduler.ExecutorProcessLost;
import org.apache.spark.scheduler.TaskSchedulerImpl;
import org.apache.spark.scheduler.cluster.CoarseGrainedSchedulerBackend;
import org.apache.spark.scheduler.cluster.SchedulerBackendUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;

/**
 * The driver's side of executors run by the operator. Spark's coarse-grained backend does the rest
 * (executors register with the driver over Spark's RPC, tasks go to them); this class only tells
 * the operator how many executors the driver wants and which to kill, and tells Spark how the
 * operator's executors ended. As in Spark's Kubernetes backend, the operator keeps the wanted
 * number alive: an executor that dies is replaced without Spark asking, one the driver kills is not.
 * <p>
 * Spark calls doRequestTotalExecutors and doKillExecutors while holding this backend's lock, so
 * they only record what is wanted and return at once; one thread sends it to the operator (again
 * until it is accepted: every call is idempotent) and polls the executors' states.
 */
public final class MesosOperatorSchedulerBackend extends CoarseGrainedSchedulerBackend {
    private static final Logger LOG = LoggerFactory.getLogger(MesosOperatorSchedulerBackend.class);
    /** Spark's default executor count for cluster managers (SchedulerBackendUtils.DEFAULT_NUMBER_EXECUTORS). */
    private static final int DEFAULT_EXECUTORS = 2;
    static final String POLL_INTERVAL = "spark.mesosOperator.pollInterval";
    static final String START_TIMEOUT = "spark.mesosOperator.startTimeout";

    private final SparkContext sc;
    private final OperatorClient operator;
    private final int initialExecutors;
    private final double registeredRatio;
    private final long pollMillis;
    private final long startTimeoutMillis;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mesos-operator-executors");
        t.setDaemon(true);
        return t;
    });

    // what the driver wants, guarded by wantedLock (never the backend's own lock: Spark holds that when it calls)
    private final Object wantedLock = new Object();
    private final Object sendLock = new Object();
    private ExecutorLaunch launch;
    private String uiUrl;
    private final Map<Integer, ExecutorProfile> profiles = new TreeMap<>();
    private boolean profilesSent;
    private final Set<String> killsToSend = new LinkedHashSet<>();
    private final Set<String> killedByDriver = ConcurrentHashMap.newKeySet();

    // the loop thread's own: which ends Spark has been told, and the last state seen of each executor
    private final Set<String> endsTold = new HashSet<>();
    private final Map<String, ExecutorReport.State> lastStates = new HashMap<>();
    private String lastDeliveryError;

    /**
     * The connection to a SparkLauncher that started this driver (the operator's executor does), as
     * Spark's own backends keep it: without it the launcher's handle never says RUNNING, so the
     * driver's task would not either. Nothing happens when no launcher started the driver.
     */
    private final LauncherBackend launcher = new LauncherBackend() {
        @Override
        public SparkConf conf() {
            return sc.conf();
        }

        @Override
        public void onStopRequest() {
            stop(SparkAppHandle.State.KILLED);
        }
    };

    MesosOperatorSchedulerBackend(TaskSchedulerImpl scheduler, SparkContext sc, OperatorClient operator) {
        super(scheduler, sc.env().rpcEnv());
        this.sc = sc;
        this.operator = operator;
        SparkConf conf = sc.conf();
        this.initialExecutors = SchedulerBackendUtils.getInitialTargetExecutorNumber(conf, DEFAULT_EXECUTORS);
        // as Kubernetes and YARN: start scheduling once 80% of the initial executors registered
        this.registeredRatio = conf.getDouble("spark.scheduler.minRegisteredResourcesRatio", 0.8);
        this.pollMillis = conf.getTimeAsMs(POLL_INTERVAL, "2s");
        this.startTimeoutMillis = conf.getTimeAsMs(START_TIMEOUT, "60s");
    }

    @Override
    public void start() {
        super.start();
        launcher.connect();
        launcher.setState(SparkAppHandle.State.SUBMITTED);
        SparkConf conf = sc.conf();
        String driverUrl = new RpcEndpointAddress(conf.get("spark.driver.host"), conf.getInt("spark.driver.port", 0),
                CoarseGrainedSchedulerBackend.ENDPOINT_NAME()).toString();
        ResourceProfile defaultProfile = sc.resourceProfileManager().defaultResourceProfile();
        synchronized (wantedLock) {
            launch = ExecutorLaunch.of(conf, applicationId(), driverUrl);
            uiUrl = sc.uiWebUrl().isDefined() ? sc.uiWebUrl().get() : null;
            profiles.put(defaultProfile.id(), ExecutorProfile.of(defaultProfile, initialExecutors, conf));
        }
        sendFirstWish();
        launcher.setAppId(applicationId());
        launcher.setState(SparkAppHandle.State.RUNNING);
        loop.scheduleWithFixedDelay(this::tick, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        LOG.info("Asked the operator at {} for {} executor(s) of application {}", operator.url().runEndpoint(),
                initialExecutors, applicationId());
    }

    /**
     * The first PUT, before the application goes on: an operator that refuses it (unknown run, bad
     * token) fails the application at once, one that cannot be reached is asked again until
     * {@value #START_TIMEOUT}.
     */
    private void sendFirstWish() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startTimeoutMillis);
        while (true) {
            try {
                deliver(true);
                return;
            } catch (OperatorClient.OperatorException e) {
                if (!e.retryable()) {
                    throw new IllegalStateException("The operator refused the executors of this application: "
                            + e.getMessage(), e);
                }
                giveUpAfter(deadline, e);
            } catch (IOException e) {
                giveUpAfter(deadline, e);
            }
            try {
                Thread.sleep(Math.min(1000, pollMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while asking the operator for executors", e);
            }
        }
    }

    private void giveUpAfter(long deadline, IOException e) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("The operator at " + operator.url().runEndpoint() + " could not be asked"
                    + " for executors within " + START_TIMEOUT + " (" + startTimeoutMillis + " ms): " + e.getMessage(), e);
        }
        LOG.info("The operator cannot be asked for executors yet ({}); trying again", e.getMessage());
    }

    @Override
    public Future<Object> doRequestTotalExecutors(scala.collection.immutable.Map<ResourceProfile, Object> totals) {
        SparkConf conf = sc.conf();
        synchronized (wantedLock) {
            Scala.forEach(totals, t -> profiles.put(t._1().id(), ExecutorProfile.of(t._1(), (Integer) t._2(), conf)));
            profilesSent = false;
        }
        soon(this::deliverQuietly);
        return Scala.accepted();
    }

    @Override
    public Future<Object> doKillExecutors(Seq<String> executorIds) {
        List<String> ids = new ArrayList<>();
        Scala.forEach(executorIds, ids::add);
        killedByDriver.addAll(ids);
        // as Kubernetes: Spark stops using them now, the operator's kill follows
        ids.forEach(id -> removeExecutor(id, ExecutorKilled$.MODULE$));
        synchronized (wantedLock) {
            killsToSend.addAll(ids);
        }
        soon(this::deliverQuietly);
        return Scala.accepted();
    }

    /** Spark's own default is 0 (standalone: any executor will do); Spark also logs this value. */
    @Override
    public double minRegisteredRatio() {
        return registeredRatio;
    }

    @Override
    public boolean sufficientResourcesRegistered() {
        return totalRegisteredExecutors().get() >= initialExecutors * registeredRatio;
    }

    /**
     * First no more executors (so the operator does not replace those that Spark now stops), then
     * Spark stops them, then the operator kills whatever is left of them.
     */
    @Override
    public void stop() {
        stop(SparkAppHandle.State.FINISHED);
    }

    /** Stops as {@link #stop()}, and tells a launcher that started the driver how it ended. */
    private void stop(SparkAppHandle.State finalState) {
        try {
            endApplication();
        } finally {
            launcher.setState(finalState);
            launcher.close();
        }
    }

    private void endApplication() {
        loop.shutdownNow();
        synchronized (wantedLock) {
            profiles.replaceAll((id, p) -> p.withTotal(0));
            profilesSent = false;
        }
        try {
            deliver(false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not tell the operator that no more executors are wanted: {}", e.getMessage());
        }
        try {
            super.stop();
        } finally {
            killAll();
        }
    }

    private void killAll() {
        for (int attempt = 1; ; attempt++) {
            try {
                operator.killAll();
                LOG.info("Asked the operator to kill every executor of application {}", applicationId());
                return;
            } catch (IOException e) {
                if (attempt >= 5 || e instanceof OperatorClient.OperatorException o && !o.retryable()) {
                    // the operator kills them anyway when the driver's task ends
                    LOG.warn("Could not ask the operator to kill the executors: {}", e.getMessage());
                    return;
                }
                try {
                    Thread.sleep(1000L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void tick() {
        deliverQuietly();
        try {
            observe(operator.executors());
        } catch (IOException | RuntimeException e) {
            if (!loop.isShutdown()) { // stop() interrupts a poll in flight
                LOG.warn("Could not read the executors' states from the operator: {}", e.getMessage());
            }
        }
    }

    /** On the loop thread; nothing once stopping (stop() kills them all). */
    private void soon(Runnable action) {
        try {
            loop.execute(action);
        } catch (RejectedExecutionException e) {
            LOG.debug("stopping: not sending {}", action);
        }
    }

    private void deliverQuietly() {
        try {
            deliver(false);
            lastDeliveryError = null;
        } catch (IOException | RuntimeException e) {
            String error = String.valueOf(e.getMessage());
            if (!error.equals(lastDeliveryError)) { // once per distinct error, not every tick
                LOG.warn("Could not tell the operator which executors are wanted (asking again): {}", error);
            }
            lastDeliveryError = error;
        }
    }

    /**
     * Sends what changed since the last accepted call (everything if {@code always}). One call at a
     * time, each with what is wanted when it starts, so an older wish never arrives after a newer one.
     */
    private void deliver(boolean always) throws IOException {
        synchronized (sendLock) {
            ExecutorLaunch l;
            String ui;
            List<ExecutorProfile> wanted = null;
            List<String> kills;
            synchronized (wantedLock) {
                l = launch;
                ui = uiUrl;
                if (always || !profilesSent) {
                    wanted = List.copyOf(profiles.values());
                    profilesSent = true; // set back below if the call fails
                }
                kills = List.copyOf(killsToSend);
            }
            try {
                if (wanted != null) {
                    operator.want(l, ui, wanted);
                }
            } catch (IOException | RuntimeException e) {
                synchronized (wantedLock) {
                    profilesSent = false;
                }
                throw e;
            }
            if (!kills.isEmpty()) {
                operator.kill(kills);
                synchronized (wantedLock) {
                    kills.forEach(killsToSend::remove);
                }
            }
        }
    }

    /** Logs state changes, and tells Spark of executors that ended without its asking. */
    void observe(List<ExecutorReport> reports) {
        for (ExecutorReport r : reports) {
            if (r.state() == null || r.state() == lastStates.put(r.id(), r.state())) {
                continue;
            }
            LOG.info("Executor {} is {}{}{}{}", r.id(), r.state(), r.host() == null ? "" : " on " + r.host(),
                    r.exitCode() == null ? "" : " (exit code " + r.exitCode() + ")",
                    r.message() == null || r.message().isBlank() ? "" : ": " + r.message());
            if (r.state().ended() && endsTold.add(r.id()) && !killedByDriver.contains(r.id())) {
                removeExecutor(r.id(), lossReason(r));
            }
        }
    }

    /** A process that exited is the application's doing (it counts against the tasks); a lost agent is not. */
    static ExecutorLossReason lossReason(ExecutorReport r) {
        String message = "executor " + r.id() + " " + r.state().name().toLowerCase(Locale.ROOT)
                + (r.host() == null ? "" : " on " + r.host())
                + (r.message() == null || r.message().isBlank() ? "" : ": " + r.message());
        return switch (r.state()) {
            case FINISHED, FAILED -> new ExecutorExited(r.exitCode() == null ? -1 : r.exitCode(), true, message);
            default -> new ExecutorProcessLost(message, Option.empty(), false);
        };
    }
}
