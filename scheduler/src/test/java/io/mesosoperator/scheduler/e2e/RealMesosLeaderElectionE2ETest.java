package io.mesosoperator.scheduler.e2e;

import io.mesosoperator.local.RequiresRealMesos;

/**
 * {@link LeaderElectionE2ETest} on a real Apache Mesos: the follower takes over, re-subscribes with
 * the same FrameworkID and reconciles with the real master; its /state is the judge of lost or
 * duplicated tasks.
 */
@RequiresRealMesos
class RealMesosLeaderElectionE2ETest extends LeaderElectionE2ETest {
    @Override
    EmbeddedOperator.Options options() {
        return super.options().onRealMesos();
    }
}
