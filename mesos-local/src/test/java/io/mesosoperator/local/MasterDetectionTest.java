package io.mesosoperator.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Masters publish themselves in ZooKeeper like Mesos, non-leaders redirect, a standby takes over. */
class MasterDetectionTest {
    @TempDir
    Path work;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void publishesRedirectsAndFailsOver() throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start("127.0.0.1", 0, work.resolve("zk"));
             MesosLocalCluster cluster = MesosLocalCluster.builder(work.resolve("mesos")).agents(1).masters(2)
                     .zookeeper(zk.connectString(), "/mesos").start()) {
            LocalMaster leader = cluster.master();
            LocalMaster standby = cluster.masters().get(1);

            // znodes: json.info_<10 digits>, ephemeral, compact MasterInfo JSON with sorted keys
            ZooKeeper client = MasterContender.connect(zk.connectString(), e -> { });
            List<String> children = client.getChildren("/mesos", false);
            assertThat(children).hasSize(2).allMatch(c -> c.matches("json\\.info_\\d{10}"));
            String first = children.stream().sorted().findFirst().orElseThrow();
            assertThat(client.exists("/mesos/" + first, false).getEphemeralOwner()).isNotZero();
            String data = new String(client.getData("/mesos/" + first, false, null));
            assertThat(data).startsWith("{\"address\":{\"hostname\":\"127.0.0.1\",\"ip\":\"127.0.0.1\",\"port\":"
                    + leader.info().getPort() + "},\"capabilities\":[{\"type\":\"AGENT_UPDATE\"}");
            JsonNode json = new ObjectMapper().readTree(data);
            assertThat(json.fieldNames()).toIterable()
                    .containsExactly("address", "capabilities", "hostname", "id", "ip", "pid", "port", "version");
            assertThat(json.path("id").asText()).isEqualTo(leader.id());
            assertThat(json.path("ip").asLong()).isEqualTo(16777343L); // 127.0.0.1 in network order
            client.close();

            // a non-leader answers 307 with a protocol-relative Location of the leader
            HttpResponse<String> redirect = http.send(HttpRequest.newBuilder(URI.create(standby.url() + "/api/v1/scheduler"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(redirect.statusCode()).isEqualTo(307);
            assertThat(redirect.headers().firstValue("Location"))
                    .hasValue("//127.0.0.1:" + leader.info().getPort() + "/api/v1/scheduler");

            cluster.crashLeadingMaster();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(cluster.master()).isSameAs(standby);
                assertThat(standby.isLeading()).isTrue();
                JsonNode state = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(standby.url() + "/state"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
                assertThat(state.path("slaves")).hasSize(1); // the agent re-registered, keeping its id
                assertThat(state.path("slaves").get(0).path("id").asText()).isEqualTo(cluster.agents().get(0).id());
            });
        }
    }
}
