package io.mesosoperator.scheduler.e2e;

import io.mesosoperator.local.RequiresRealMesos;

/** {@link AgentFailureE2ETest} on a real Apache Mesos master and agents. */
@RequiresRealMesos
class RealMesosAgentFailureE2ETest extends AgentFailureE2ETest {
    @Override
    EmbeddedOperator.Options options() {
        return super.options().onRealMesos();
    }
}
