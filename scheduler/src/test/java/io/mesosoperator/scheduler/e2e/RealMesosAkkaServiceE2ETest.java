package io.mesosoperator.scheduler.e2e;

import io.mesosoperator.local.RequiresRealMesos;

/** {@link AkkaServiceE2ETest} (a Pekko cluster forms, heals after kills and scales, run by the operator's executor, which also runs its /ready health check; each replica's heap and GC time over JMX) on a real Apache Mesos master and agents, through zk://. */
@RequiresRealMesos
class RealMesosAkkaServiceE2ETest extends AkkaServiceE2ETest {
    @Override
    EmbeddedOperator.Options options() {
        return super.options().onRealMesos();
    }
}
