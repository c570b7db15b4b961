package io.mesosoperator.scheduler.e2e;

import io.mesosoperator.local.RequiresRealMesos;

/** {@link KafkaClusterE2ETest} (3 brokers on reservations and persistent volumes, a broker killed, a rolling config change, a scale up and a drained scale down) on a real Apache Mesos master and agents, through zk://. */
@RequiresRealMesos
class RealMesosKafkaClusterE2ETest extends KafkaClusterE2ETest {
    @Override
    EmbeddedOperator.Options options() {
        return super.options().onRealMesos();
    }
}
