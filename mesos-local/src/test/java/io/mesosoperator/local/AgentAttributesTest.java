package io.mesosoperator.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import io.mesosoperator.mesos.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent attributes as `mesos-agent --attributes` takes them, and as a real master shows them: in
 * offers (the JSON of mesos-transcripts/scheduler-json.txt) and in /state.
 */
class AgentAttributesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void parsesTheAgentFlagSyntaxWithMesosTypes() {
        List<Attribute> parsed = AgentAttributes.parse("rack:r1;zone: z1 ;cores:8;weight:0.5;slots:[1-4, 8-9]\nos:ubuntu-22.04");
        assertThat(parsed).extracting(Attribute::getName).containsExactly("rack", "zone", "cores", "weight", "slots", "os");
        assertThat(parsed).extracting(Attribute::getType).containsExactly(Value.Type.TEXT, Value.Type.TEXT,
                Value.Type.SCALAR, Value.Type.SCALAR, Value.Type.RANGES, Value.Type.TEXT);
        assertThat(parsed.get(1).getText().getValue()).isEqualTo("z1");
        assertThat(parsed.get(2).getScalar().getValue()).isEqualTo(8.0);
        assertThat(parsed.get(4).getRanges().getRangeList()).extracting(Value.Range::getBegin).containsExactly(1L, 8L);
        assertThat(AgentAttributesTest.stateValues(parsed)).isEqualTo(Map.of("rack", "\"r1\"", "zone", "\"z1\"",
                "cores", "8.0", "weight", "0.5", "slots", "\"[1-4, 8-9]\"", "os", "\"ubuntu-22.04\""));
    }

    @Test
    void refusesWhatMesosRefuses() {
        assertThatThrownBy(() -> AgentAttributes.parse("rack=r1")).hasMessageContaining("invalid attribute key:value pair 'rack=r1'");
        assertThatThrownBy(() -> AgentAttributes.parse("zones:{a,b}")).hasMessageContaining("sets are not supported");
        assertThatThrownBy(() -> AgentAttributes.parse("rack:")).hasMessageContaining("rack has no value");
        assertThatThrownBy(() -> MesosLocalCluster.attributesPerAgent(List.of("rack:r0", "rack:r1"), 1))
                .hasMessageContaining("attributes given for 2 agents, but there are only 1");
        assertThatThrownBy(() -> MesosLocalCluster.attributesPerAgent(List.of("rack:r0", "rack"), 2))
                .hasMessageContaining("attributes of agent 1 ('rack'): invalid attribute key:value pair 'rack'");
    }

    @Test
    void offersAndStateCarryEachAgentsAttributes(@TempDir Path work) throws Exception {
        try (MesosLocalCluster cluster = MesosLocalCluster.builder(work).agents(2)
                .agentAttributes(List.of("rack:r1;zone:z1"))
                .start()) {
            RawScheduler scheduler = new RawScheduler(cluster.masterUrl(), ContentType.JSON);
            scheduler.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("attributes").build());
            Map<String, Offer> byAgent = new HashMap<>();
            while (byAgent.size() < 2) {
                scheduler.next(Event.Type.OFFERS).getOffers().getOffersList()
                        .forEach(o -> byAgent.put(o.getAgentId().getValue(), o));
            }
            String first = cluster.agents().get(0).id();
            String second = cluster.agents().get(1).id();
            // exactly the JSON a real 1.12 master sends (mesos-transcripts/scheduler-json.txt), plus agent:agent-0
            JsonNode offered = JSON.readTree(JsonFormat.printer().preservingProtoFieldNames()
                    .print(byAgent.get(first))).path("attributes");
            assertThat(offered).isEqualTo(JSON.readTree("""
                    [{"name":"agent","type":"TEXT","text":{"value":"agent-0"}},
                     {"name":"rack","type":"TEXT","text":{"value":"r1"}},
                     {"name":"zone","type":"TEXT","text":{"value":"z1"}}]"""));
            assertThat(byAgent.get(second).getAttributesList()).extracting(Attribute::getName).containsExactly("agent");

            HttpResponse<String> state = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(cluster.masterUrl() + "/state")).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode agent : JSON.readTree(state.body()).path("slaves")) {
                JsonNode expected = agent.path("id").asText().equals(first)
                        ? JSON.readTree("{\"agent\":\"agent-0\",\"rack\":\"r1\",\"zone\":\"z1\"}")
                        : JSON.readTree("{\"agent\":\"agent-1\"}");
                assertThat(agent.path("attributes")).isEqualTo(expected);
            }
        }
    }

    private static Map<String, String> stateValues(List<Attribute> attributes) {
        Map<String, String> out = new HashMap<>();
        attributes.forEach(a -> out.put(a.getName(), AgentAttributes.stateValue(a).toString()));
        return out;
    }
}
