package io.mesosoperator.scheduler.e2e;

import io.mesosoperator.local.RequiresRealMesos;

/** {@link AgentAndExecutorFaultsE2ETest} on a real Apache Mesos master and agents. */
@RequiresRealMesos
class RealMesosAgentAndExecutorFaultsE2ETest extends AgentAndExecutorFaultsE2ETest {
    @Override
    EmbeddedOperator.Options options() {
        return super.options().onRealMesos();
    }
}
