package io.mesosoperator.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.Test;

class OfferMatcherTest {
    static final ResourceKey KEY = new ResourceKey("Service", "web");

    static Offer offer(String id, String agent, double cpus, double mem, long portsFrom, long portsTo) {
        return Offer.newBuilder().setId(OfferID.newBuilder().setValue(id))
                .setFrameworkId(FrameworkID.newBuilder().setValue("fw")).setAgentId(AgentID.newBuilder().setValue(agent))
                .setHostname("localhost")
                .addResources(Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(cpus)))
                .addResources(Resource.newBuilder().setName("mem").setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(mem)))
                .addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                        .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(portsFrom).setEnd(portsTo))))
                .build();
    }

    static PodSpec pod(int instance, double cpus, double mem, List<String> ports) {
        return new PodSpec(KEY, instance, cpus, mem, 0, "x", Map.of(), List.of(), ports, null, Duration.ZERO, "h", null);
    }

    @Test
    void spreadsInstancesAcrossAgents() {
        OfferMatcher.Result r = OfferMatcher.match(List.of(pod(0, 0.1, 32, List.of()), pod(1, 0.1, 32, List.of()), pod(2, 0.1, 32, List.of())),
                List.of(offer("o1", "a1", 4, 4096, 31000, 31999), offer("o2", "a2", 4, 4096, 32000, 32999)), 0.05, 64, (p, a) -> 0);
        assertThat(r.placements().get("o1")).hasSize(2);
        assertThat(r.placements().get("o2")).hasSize(1);
        assertThat(r.unplaced()).isEmpty();
    }

    @Test
    void neverPutsMoreThanTheLimitOnOneAgentAndSaysSo() {
        PodSpec one = pod(0, 0.1, 32, List.of());
        List<PodSpec> pods = List.of(limited(one, 0), limited(one, 1), limited(one, 2));
        // agent a1 already runs one instance of the resource
        OfferMatcher.Result r = OfferMatcher.match(pods,
                List.of(offer("o1", "a1", 4, 4096, 31000, 31999), offer("o2", "a2", 4, 4096, 32000, 32999)), 0.05, 64,
                (p, a) -> a.equals("a1") ? 1 : 0);
        assertThat(r.placements()).containsOnlyKeys("o2");
        assertThat(r.placements().get("o2")).hasSize(1);
        assertThat(r.unplaced()).hasSize(2);
        assertThat(r.reasons().get(r.unplaced().get(0))).isEqualTo("no offer fits: of 2 agent(s) offered,"
                + " 2 already run 1 instance(s) of web (the most one agent may)");
    }

    @Test
    void aLimitCountsOnlyThePodsOwnGroup() {
        // one controller and one broker per agent (Kafka with dedicated controllers): a1 runs a controller already
        PodSpec one = pod(0, 0.1, 32, List.of());
        List<PodSpec> pods = List.of(limited(one, 1000, "controller"), limited(one, 1001, "controller"),
                limited(one, 0, "broker"), limited(one, 1, "broker"));
        OfferMatcher.Result r = OfferMatcher.match(pods,
                List.of(offer("o1", "a1", 4, 4096, 31000, 31999), offer("o2", "a2", 4, 4096, 32000, 32999)), 0.05, 64,
                (p, a) -> a.equals("a1") && "controller".equals(p.group()) ? 1 : 0);
        assertThat(r.placements().get("o1")).extracting(pl -> pl.pod().instance()).containsExactly(0);
        assertThat(r.placements().get("o2")).extracting(pl -> pl.pod().instance()).containsExactlyInAnyOrder(1000, 1);
        assertThat(r.unplaced()).extracting(PodSpec::instance).containsExactly(1001);
        assertThat(r.reasons().get(r.unplaced().get(0))).isEqualTo("no offer fits: of 2 agent(s) offered,"
                + " 2 already run 1 instance(s) of web in group controller (the most one agent may)");
    }

    static PodSpec limited(PodSpec p, int instance, String group) {
        return new PodSpec(p.resource(), instance, p.cpus(), p.memMb(), p.diskMb(), p.command(), p.env(), p.uris(),
                p.portNames(), p.healthCheck(), p.killGracePeriod(), p.configHash(), p.volume(), List.of(), 1, group);
    }

    static PodSpec limited(PodSpec p, int instance) {
        return new PodSpec(p.resource(), instance, p.cpus(), p.memMb(), p.diskMb(), p.command(), p.env(), p.uris(),
                p.portNames(), p.healthCheck(), p.killGracePeriod(), p.configHash(), p.volume(), List.of(), 1);
    }

    /** The pod with a config file to render, so our executor runs it. */
    static PodSpec withFiles(PodSpec p) {
        return TaskFactoryTest.withFiles(p);
    }

    @Test
    void countsOurExecutorsOverheadAndLeavesWhatDoesNotFit() {
        OfferMatcher.Result r = OfferMatcher.match(List.of(withFiles(pod(0, 1.0, 100, List.of())),
                        withFiles(pod(1, 1.0, 100, List.of()))),
                List.of(offer("o1", "a1", 2.0, 300, 31000, 31999)), 0.05, 64, (p, a) -> 0);
        assertThat(r.placements().get("o1")).hasSize(1); // 2 x (1.0 + 0.05) cpus > 2.0
        assertThat(r.unplaced()).extracting(PodSpec::instance).containsExactly(1);
        assertThat(r.reasons().get(r.unplaced().get(0))).isEqualTo("no offer fits: of 1 agent(s) offered,"
                + " 1 short of cpus (needs 1.05), 1 short of mem (needs 164.0 MB)");
    }

    @Test
    void aCommandTaskNeedsOnlyItsOwnResources() {
        // Mesos' command executor is not counted by the master: exactly the pod's cpus and mem fit
        PodSpec command = pod(0, 0.5, 128, List.of("http"));
        assertThat(TaskFactory.usesOperatorExecutor(command)).isFalse();
        OfferMatcher.Result fits = OfferMatcher.match(List.of(command), List.of(offer("o1", "a1", 0.5, 128, 31000, 31000)),
                0.05, 64, (p, a) -> 0);
        assertThat(fits.placements().get("o1")).extracting(pl -> pl.pod().instance()).containsExactly(0);
        assertThat(fits.unplaced()).isEmpty();

        // the same pod under our executor needs the executor's share on top
        OfferMatcher.Result tight = OfferMatcher.match(List.of(withFiles(command)),
                List.of(offer("o1", "a1", 0.5, 128, 31000, 31000)), 0.05, 64, (p, a) -> 0);
        assertThat(tight.placements()).isEmpty();
        assertThat(tight.reasons().get(tight.unplaced().get(0))).isEqualTo("no offer fits: of 1 agent(s) offered,"
                + " 1 short of cpus (needs 0.55), 1 short of mem (needs 192.0 MB)");
        OfferMatcher.Result roomy = OfferMatcher.match(List.of(withFiles(command)),
                List.of(offer("o1", "a1", 0.55, 192, 31000, 31000)), 0.05, 64, (p, a) -> 0);
        assertThat(roomy.placements().get("o1")).hasSize(1);

        // two command tasks share an offer to the last cpu: 2 x 0.5 of 1.0, 2 x 128 of 256 MB
        OfferMatcher.Result two = OfferMatcher.match(List.of(pod(0, 0.5, 128, List.of()), pod(1, 0.5, 128, List.of())),
                List.of(offer("o1", "a1", 1.0, 256, 31000, 31999)), 0.05, 64, (p, a) -> 0);
        assertThat(two.placements().get("o1")).hasSize(2);
    }

    @Test
    void aCommandTaskOnItsReservationTakesNothingUnreserved() {
        // a stateful command task takes its cpus, mem and volume from the reservation: no executor share besides
        PodSpec stateful = needing(pod(0, 0.5, 128, List.of()), 0, new PodSpec.Volume(64, "data"));
        OfferMatcher.Constraints onReservation = new OfferMatcher.Constraints() {
            @Override
            public boolean reserved(PodSpec pod, Offer offer) {
                return true;
            }
        };
        OfferMatcher.Result r = OfferMatcher.match(List.of(stateful), List.of(offer("o1", "a1", 0, 0, 31000, 31999)),
                0.05, 64, (p, a) -> 0, onReservation);
        assertThat(r.placements().get("o1")).hasSize(1);
        OfferMatcher.Result ours = OfferMatcher.match(List.of(withFiles(stateful)),
                List.of(offer("o1", "a1", 0, 0, 31000, 31999)), 0.05, 64, (p, a) -> 0, onReservation);
        assertThat(ours.placements()).isEmpty(); // our executor's 0.05 cpus and 64 MB come unreserved
    }

    @Test
    void assignsDistinctPortsFromTheOfferedRanges() {
        OfferMatcher.Result r = OfferMatcher.match(List.of(pod(0, 0.1, 32, List.of("http", "admin")), pod(1, 0.1, 32, List.of("http"))),
                List.of(offer("o1", "a1", 4, 4096, 31000, 31001), offer("o2", "a2", 4, 4096, 32000, 32000)), 0, 0, (p, a) -> 0);
        assertThat(r.placements().get("o1").get(0).ports()).containsExactly(31000L, 31001L);
        assertThat(r.placements().get("o2").get(0).ports()).containsExactly(32000L);
    }

    @Test
    void prefersAgentsRunningFewerOfTheSameResource() {
        OfferMatcher.Result r = OfferMatcher.match(List.of(pod(2, 0.1, 32, List.of())),
                List.of(offer("o1", "busy", 4, 4096, 31000, 31999), offer("o2", "idle", 4, 4096, 32000, 32999)), 0, 0,
                (p, agent) -> agent.equals("busy") ? 2 : 0);
        assertThat(r.placements()).containsOnlyKeys("o2");
    }

    static Offer withAttributes(Offer offer, String... nameValues) {
        Offer.Builder b = offer.toBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            org.apache.mesos.v1.Protos.Attribute.Builder a = org.apache.mesos.v1.Protos.Attribute.newBuilder().setName(nameValues[i]);
            try {
                a.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(Double.parseDouble(nameValues[i + 1])));
            } catch (NumberFormatException text) {
                a.setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue(nameValues[i + 1]));
            }
            b.addAttributes(a);
        }
        return b.build();
    }

    static PodSpec needing(PodSpec p, int instance, PodSpec.Volume volume, PodSpec.RequiredAttribute... required) {
        return new PodSpec(p.resource(), instance, p.cpus(), p.memMb(), p.diskMb(), p.command(), p.env(), p.uris(),
                p.portNames(), p.healthCheck(), p.killGracePeriod(), p.configHash(), volume, List.of(), 1, null, List.of(required));
    }

    @Test
    void placesPodsOnlyOnAgentsWithTheirAttributesAndNamesTheMissingOne() {
        PodSpec base = pod(0, 0.1, 32, List.of());
        PodSpec.RequiredAttribute rack = PodSpec.RequiredAttribute.any("rack");
        List<Offer> offers = List.of(withAttributes(offer("o1", "a1", 4, 4096, 31000, 31999), "rack", "r1"),
                withAttributes(offer("o2", "a2", 4, 4096, 32000, 32999), "zone", "z2"),
                withAttributes(offer("o3", "a3", 4, 4096, 33000, 33999), "rack", "7"));
        for (PodSpec.Volume volume : new PodSpec.Volume[] {null, new PodSpec.Volume(0, "data")}) {
            OfferMatcher.Result r = OfferMatcher.match(List.of(needing(base, 0, volume, rack), needing(base, 1, volume, rack),
                    needing(base, 2, volume, rack)), offers, 0.05, 64, (p, a) -> 0);
            assertThat(r.placements()).as("volume %s", volume).containsOnlyKeys("o1", "o3"); // a SCALAR rack counts too
            assertThat(r.unplaced()).hasSize(1);
            assertThat(r.reasons().get(r.unplaced().get(0))).isEqualTo("no offer fits: of 3 agent(s) offered,"
                    + " 1 lacks attribute 'rack', 2 already run 1 instance(s) of web (the most one agent may)");
        }

        // a required value: only the agent whose attribute has it (a SCALAR as a task sees it: "7", not "7.0")
        OfferMatcher.Result seven = OfferMatcher.match(List.of(needing(base, 0, null, new PodSpec.RequiredAttribute("rack", "7"))),
                offers, 0.05, 64, (p, a) -> 0);
        assertThat(seven.placements()).containsOnlyKeys("o3");
        OfferMatcher.Result none = OfferMatcher.match(List.of(needing(base, 0, null, new PodSpec.RequiredAttribute("dc", "east"))),
                offers, 0.05, 64, (p, a) -> 0);
        assertThat(none.reasons().get(none.unplaced().get(0)))
                .isEqualTo("no offer fits: of 3 agent(s) offered, 3 lack attribute 'dc' = 'east'");
    }

    @Test
    void aGroupedPodWithAPerAgentLimitGoesToAnAgentBelowItWhenAnotherIsFull() {
        // executor 2 of a job: executor 1 runs on a3 (the limit there), a1 and a2 offer
        PodSpec executor = new PodSpec(KEY, 100000002, 1, 896, 0, "x", Map.of(), List.of(), List.of("blockmanager"), null,
                Duration.ZERO, "h", null, List.of(), 1, "exec", List.of());
        OfferMatcher.Result r = OfferMatcher.match(List.of(executor),
                List.of(offer("o1", "a1", 2.9, 3000, 31000, 31999), offer("o2", "a2", 4, 4096, 32000, 32999)), 0.05, 64,
                (p, a) -> a.equals("a3") ? 1 : 0);
        assertThat(r.unplaced()).as(r.reasons().toString()).isEmpty();
    }
}
