package io.mesosoperator.scheduler.e2e;

import io.mesosoperator.local.RequiresRealMesos;

/**
 * {@link SparkJobExecutorsE2ETest} on a real Apache Mesos master and 4 agents, through zk://: executor tasks on real
 * agents of the zone the job asks for and none left in the real master's /state after the driver, also when the driver is killed
 * with SIGKILL (the operator then kills its executor tasks through the real master). Five of the parent's tests
 * are left to mesos-local (below): what they add is Spark's and the operator's own logic, which does not meet
 * Mesos in any way the tests here do not already cover, and each costs minutes of the suite. The executor kill
 * passed on a real Mesos too, on 2026-12-06, with these two (475 s for the three on a loaded machine).
 */
@RequiresRealMesos
class RealMesosSparkJobExecutorsE2ETest extends SparkJobExecutorsE2ETest {
    @Override
    EmbeddedOperator.Options options() {
        // no agent is lost in the tests kept here: 3 agents of zone a (the driver's and two executors'), 1 of zone b
        return super.options().agents(4).agentAttributes("zone:a", "zone:a", "zone:a", "zone:b").onRealMesos();
    }

    /** Dynamic allocation: the driver's totals through the same launch and kill paths as the tests here. */
    @Override
    void dynamicAllocationGrowsPastOneExecutorWhileTasksWait() {
        // not a test on real Mesos (no @Test): see the class comment
    }

    /** An executor killed: a TASK_FAILED like the driver kill's, and a launch like the first ones. */
    @Override
    void anExecutorKilledWithSigkillIsReplacedAndTheJobStillSucceeds() {
        // not a test on real Mesos (no @Test): see the class comment
    }

    /** An agent lost: RealMesosAgentFailureE2ETest covers a real agent's loss; the executor's path is the kill's. */
    @Override
    void anExecutorLostWithItsAgentIsReplacedElsewhereAndTheJobStillSucceeds() {
        // not a test on real Mesos (no @Test): see the class comment
    }

    /** Spark 4: another tarball fetched by the same URI fetch as Spark 3.5's. */
    @Override
    void aJobAskingForSpark4RunsOnSpark4WithItsExecutorsAsTasks() {
        // not a test on real Mesos (no @Test): see the class comment
    }

    /** A streaming job's dynamic allocation: the launches and kills of the dynamic allocation test, over time. */
    @Override
    void aStreamingJobsExecutorsComeWithItsMicroBatchesAndGoWhileItIdles() {
        // not a test on real Mesos (no @Test): see the class comment
    }
}
