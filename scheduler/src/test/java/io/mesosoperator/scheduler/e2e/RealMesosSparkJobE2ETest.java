package io.mesosoperator.scheduler.e2e;

import io.mesosoperator.local.RequiresRealMesos;

/** {@link SparkJobE2ETest} (jobs to completion, retries, a scheduled job killed) on a real Apache Mesos master and agents, through zk://. */
@RequiresRealMesos
class RealMesosSparkJobE2ETest extends SparkJobE2ETest {
    @Override
    EmbeddedOperator.Options options() {
        return super.options().onRealMesos();
    }
}
