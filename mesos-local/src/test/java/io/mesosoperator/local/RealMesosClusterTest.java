package io.mesosoperator.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.mesos.ContentType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself: a real master found through ZooKeeper, agents as configured, nothing left behind. */
@RequiresRealMesos
class RealMesosClusterTest {
    @TempDir
    Path dir;

    @Test
    void startsAMasterAndAgentsThatAFrameworkCanUseAndLeavesNoProcessBehind() throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
             RealMesosCluster mesos = RealMesosCluster.start(dir.resolve("mesos"), zk.connectString(),
                     RealMesosCluster.Settings.defaults().agents(2).agentAttributes("rack:r1", "rack:r2"))) {
            JsonNode state = mesos.state();
            assertThat(state.path("version").asText()).startsWith("1.12");
            List<String> racks = new ArrayList<>();
            state.path("slaves").forEach(s -> racks.add(s.path("attributes").path("rack").asText()));
            assertThat(racks).containsExactlyInAnyOrder("r1", "r2");

            // the agents found the master through ZooKeeper; a framework gets their offers
            RawScheduler scheduler = new RawScheduler(mesos.masterUrl(), ContentType.JSON);
            scheduler.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("harness-check").build());
            assertThat(scheduler.next(org.apache.mesos.v1.scheduler.Protos.Event.Type.OFFERS).getOffers().getOffersCount())
                    .isPositive();

            mesos.agents().get(0).terminate();
            mesos.agents().get(0).start();
            mesos.awaitAgents(2, Duration.ofSeconds(60));
            mesos.close();
            assertThat(mesos.processesInside()).isEmpty();
            assertThat(mesos.agents()).noneMatch(RealMesosCluster.Agent::isRunning);
        }
    }
}
