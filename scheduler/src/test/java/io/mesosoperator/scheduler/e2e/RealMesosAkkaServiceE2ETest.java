package io.mesosoperator.scheduler.e2e;

import io.mesosoperator.local.RequiresRealMesos;

/** {@link AkkaServiceE2ETest} (a Pekko cluster forms, heals after kills and scales, under Mesos' command executor) on a real Apache Mesos master and agents, through zk://. */
@RequiresRealMesos
class RealMesosAkkaServiceE2ETest extends AkkaServiceE2ETest {
    @Override
    EmbeddedOperator.Options options() {
        return super.options().onRealMesos();
    }
}
