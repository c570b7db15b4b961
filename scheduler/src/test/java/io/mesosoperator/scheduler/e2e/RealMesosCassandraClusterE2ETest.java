package io.mesosoperator.scheduler.e2e;

import io.mesosoperator.local.RequiresRealMesos;

/** {@link CassandraClusterE2ETest} (a 3-node ring on reserved volumes in the agents' racks, rows at QUORUM through a node's kill, a decommissioning scale down) on a real Apache Mesos master and agents, through zk://. */
@RequiresRealMesos
class RealMesosCassandraClusterE2ETest extends CassandraClusterE2ETest {
    @Override
    EmbeddedOperator.Options options() {
        return super.options().onRealMesos();
    }
}
