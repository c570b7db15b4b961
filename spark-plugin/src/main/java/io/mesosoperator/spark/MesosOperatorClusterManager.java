package io.mesosoperator.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.ExternalClusterManager;
import org.apache.spark.scheduler.SchedulerBackend;
import org.apache.spark.scheduler.TaskScheduler;
import org.apache.spark.scheduler.TaskSchedulerImpl;

/**
 * Spark's entry point to this plugin (META-INF/services/org.apache.spark.scheduler.ExternalClusterManager):
 * SparkContext asks every registered cluster manager whether it serves the master URL, and this one
 * serves {@code mesos-operator://} ({@link OperatorUrl}). The trait has only abstract members, so a
 * Java class implements it in Spark 3.5 and 4.x alike.
 */
public final class MesosOperatorClusterManager implements ExternalClusterManager {
    /** The operator API's bearer token; else the environment variable the operator's CLI reads too. */
    static final String TOKEN = "spark.mesosOperator.token";
    static final String TOKEN_ENV = "MESOS_OPERATOR_TOKEN";

    @Override
    public boolean canCreate(String masterURL) {
        return OperatorUrl.accepts(masterURL);
    }

    @Override
    public TaskScheduler createTaskScheduler(SparkContext sc, String masterURL) {
        return new TaskSchedulerImpl(sc);
    }

    @Override
    public SchedulerBackend createSchedulerBackend(SparkContext sc, String masterURL, TaskScheduler scheduler) {
        OperatorUrl url = OperatorUrl.parse(masterURL);
        String token = sc.conf().get(TOKEN, System.getenv(TOKEN_ENV));
        return new MesosOperatorSchedulerBackend((TaskSchedulerImpl) scheduler, sc, new OperatorClient(url, token));
    }

    @Override
    public void initialize(TaskScheduler scheduler, SchedulerBackend backend) {
        ((TaskSchedulerImpl) scheduler).initialize(backend);
    }
}
