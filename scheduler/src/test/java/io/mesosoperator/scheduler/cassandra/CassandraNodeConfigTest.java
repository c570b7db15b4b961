package io.mesosoperator.scheduler.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.spec.FieldError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a Cassandra node is started with: its cassandra.yaml, rack file, seed list and command. */
class CassandraNodeConfigTest {
    static CassandraSpec spec(Map<String, Object> config) {
        return new CassandraSpec(3, 0.5, 1024, 384, 1024, null, "dc1", "rack1", 2, null, config, 1, "serial");
    }

    @Test
    void yamlAddressesTheNodeThroughItsTaskVariablesAndKeepsUserOverrides() {
        Map<String, Object> yaml = CassandraNodeConfig.yaml(spec(Map.of("concurrent_compactors", 1)), "ring",
                List.of("10.0.0.1:31000", "10.0.0.2:32000"));
        assertThat(yaml).containsEntry("cluster_name", "ring")
                .containsEntry("listen_address", "${MESOS_OPERATOR_HOST}")
                .containsEntry("rpc_address", "${MESOS_OPERATOR_HOST}")
                .containsEntry("storage_port", "${PORT_STORAGE}")
                .containsEntry("native_transport_port", "${PORT_NATIVE}")
                .containsEntry("endpoint_snitch", "GossipingPropertyFileSnitch")
                .containsEntry("num_tokens", 16)
                .containsEntry("concurrent_compactors", 1)
                // the required directives: without any of them Cassandra refuses to start
                .containsKeys("partitioner", "commitlog_sync", "commitlog_sync_period");
        assertThat(yaml.get("seed_provider").toString()).contains("SimpleSeedProvider", "seeds=10.0.0.1:31000,10.0.0.2:32000");
        // no directory: -Dcassandra.storagedir puts data, commit log, hints and caches on the volume
        assertThat(yaml).doesNotContainKeys("data_file_directories", "commitlog_directory");
        assertThat(CassandraNodeConfig.rackdc(spec(null))).containsExactly(Map.entry("dc", "dc1"), Map.entry("rack", "rack1"));
    }

    @Test
    void theRackAndDatacenterFromAgentAttributesAreTheTasksAttributeVariables() {
        CassandraSpec racks = new CassandraSpec(3, 0.5, 1024, 384, 1024, null, "dc1", "rack1", null, "fault-domain.zone", 2,
                null, null, 1, "serial");
        assertThat(CassandraNodeConfig.rackdc(racks)).containsExactly(Map.entry("dc", "dc1"),
                Map.entry("rack", "${MESOS_OPERATOR_ATTRIBUTE_FAULT_DOMAIN_ZONE}"));
        CassandraSpec both = new CassandraSpec(3, 0.5, 1024, 384, 1024, null, "dc1", "rack1", "dc", "rack", 2,
                null, null, 1, "serial");
        assertThat(CassandraNodeConfig.rackdc(both)).containsExactly(Map.entry("dc", "${MESOS_OPERATOR_ATTRIBUTE_DC}"),
                Map.entry("rack", "${MESOS_OPERATOR_ATTRIBUTE_RACK}"));
    }

    @Test
    void refusesTheKeysTheOperatorOwnsNamingTheField() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("storage_port", 7000);
        config.put("cluster_name", "x");
        config.put("concurrent_reads", 16);
        assertThat(CassandraNodeConfig.ownedKeyErrors(config)).extracting(FieldError::path)
                .containsExactly("spec.config.storage_port", "spec.config.cluster_name");
        assertThat(CassandraNodeConfig.ownedKeyErrors(config).get(1).message()).contains("spec.clusterName");
        assertThat(CassandraNodeConfig.ownedKeyErrors(null)).isEmpty();
    }

    @Test
    void aNodeListsTheOtherRunningSeedsAndItselfOnlyWhenNoOtherSeedRuns() {
        String self = "${MESOS_OPERATOR_HOST}:${PORT_STORAGE}";
        // the first node founds the ring
        assertThat(CassandraNodeConfig.seeds(0, 2, Map.of(), List.of())).containsExactly(self);
        // the second seed joins through the first, and so bootstraps (streams its ranges)
        assertThat(CassandraNodeConfig.seeds(1, 2, Map.of(0, "h:31000"), List.of())).containsExactly("h:31000");
        // a non-seed lists every running seed, wherever Mesos put them
        assertThat(CassandraNodeConfig.seeds(2, 2, Map.of(0, "h:31000", 1, "h:32000"), List.of()))
                .containsExactly("h:31000", "h:32000");
        // a relaunched seed lists the other seed, not its own old address
        assertThat(CassandraNodeConfig.seeds(0, 2, Map.of(1, "h:32000"), List.of())).containsExactly("h:32000");
        // a seed alone restarts on its own data
        assertThat(CassandraNodeConfig.seeds(1, 2, Map.of(), List.of("h:31000"))).containsExactly(self);
        // a non-seed with no seed running goes where the seeds were last seen
        assertThat(CassandraNodeConfig.seeds(2, 2, Map.of(), List.of("h:31000", "h:32000")))
                .containsExactly("h:31000", "h:32000");
        // instances beyond the seed count are never seeds, even when running
        assertThat(CassandraNodeConfig.seeds(3, 1, Map.of(0, "h:31000", 1, "h:32000"), List.of()))
                .containsExactly("h:31000");
    }

    @Test
    void commandRunsCassandraInTheForegroundWithEveryDirectoryOnTheVolumeAndAuthenticatedRemoteJmx() {
        String command = CassandraNodeConfig.command(spec(null));
        assertThat(command).contains("exec \"$MESOS_OPERATOR_JAVA\" -Xms192m -Xmx384m $(cat cassandra/conf/jvm17.flags)",
                "-Dcassandra.storagedir=$PWD/data", "-Dcassandra.config=file://$PWD/cassandra.yaml",
                "-Dcassandra-rackdc.properties=file://$PWD/cassandra-rackdc.properties",
                "-Dcassandra-foreground=yes", "-Dcassandra.jmx.remote.port=$PORT_JMX",
                "-Dcom.sun.management.jmxremote.rmi.port=$PORT_JMX", "-Djava.rmi.server.hostname=$MESOS_OPERATOR_HOST",
                "-Dcom.sun.management.jmxremote.authenticate=true",
                "--add-exports=java.management/com.sun.jmx.remote.security=ALL-UNNAMED",
                "-Dcom.sun.management.jmxremote.password.file=$PWD/jmxremote.password",
                "-Dcom.sun.management.jmxremote.access.file=$PWD/jmxremote.access",
                "org.apache.cassandra.service.CassandraDaemon");
        assertThat(command).doesNotContain("jmx.local.port");
    }
}
