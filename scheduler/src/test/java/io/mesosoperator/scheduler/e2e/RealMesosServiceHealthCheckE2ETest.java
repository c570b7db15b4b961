package io.mesosoperator.scheduler.e2e;

import io.mesosoperator.local.RequiresRealMesos;

/** {@link ServiceHealthCheckE2ETest} on a real Apache Mesos: the real command executor's HTTP check. */
@RequiresRealMesos
class RealMesosServiceHealthCheckE2ETest extends ServiceHealthCheckE2ETest {
    @Override
    EmbeddedOperator.Options options() {
        return super.options().onRealMesos();
    }
}
