package io.mesosoperator.scheduler.e2e;

import io.mesosoperator.local.RequiresRealMesos;

/** {@link ServiceLifecycleE2ETest} on a real Apache Mesos master and agents, through zk://. */
@RequiresRealMesos
class RealMesosServiceLifecycleE2ETest extends ServiceLifecycleE2ETest {
    @Override
    EmbeddedOperator.Options options() {
        return super.options().onRealMesos();
    }
}
