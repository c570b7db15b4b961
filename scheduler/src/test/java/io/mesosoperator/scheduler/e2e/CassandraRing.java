package io.mesosoperator.scheduler.e2e;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A CassandraCluster as the end-to-end tests see it: its status through the API, and a real CQL client of its ring. */
record CassandraRing(EmbeddedOperator env, String resource, String datacenter) {
    JsonNode status() {
        return env.get("/v1/resources/" + resource).body().path("status");
    }

    JsonNode runningNode(int instance) {
        return env.tasks(resource).stream().filter(t -> t.path("instance").asInt() == instance
                && t.path("state").asText().equals("TASK_RUNNING")).findFirst().orElse(null);
    }

    /** Each node's state in the ring (UN, DN, UJ, ...), as status.workload shows it. */
    List<String> nodeStates() {
        List<String> states = new ArrayList<>();
        status().path("workload").path("nodes").forEach(n -> states.add(n.path("state").asText()));
        return states;
    }

    String hostId(int instance) {
        for (JsonNode n : status().path("workload").path("nodes")) {
            if (n.path("instance").asInt() == instance) {
                return n.path("hostId").asText(null);
            }
        }
        return null;
    }

    /** A session through the contact points the status gives. */
    CqlSession connect() {
        return connect(status().path("workload").path("contactPoints").asText());
    }

    CqlSession connect(String contactPoints) {
        List<InetSocketAddress> points = new ArrayList<>();
        for (String cp : contactPoints.split(",")) {
            int colon = cp.lastIndexOf(':');
            points.add(new InetSocketAddress(cp.substring(0, colon), Integer.parseInt(cp.substring(colon + 1))));
        }
        return CqlSession.builder().addContactPoints(points).withLocalDatacenter(datacenter).build();
    }

    /** The ids of every row of shop.orders, read at QUORUM. */
    Set<Integer> readAllAtQuorum() {
        try (CqlSession session = connect()) {
            Set<Integer> ids = new HashSet<>();
            for (Row row : session.execute(SimpleStatement.newInstance("SELECT id FROM shop.orders")
                    .setConsistencyLevel(DefaultConsistencyLevel.QUORUM).setTimeout(Duration.ofSeconds(20)))) {
                ids.add(row.getInt("id"));
            }
            return ids;
        }
    }

    /** Creates keyspace shop (replication factor {@code rf} in the ring's datacenter) and writes rows 0..rows-1 at QUORUM. */
    void writeRows(CqlSession session, int rf, int rows) {
        session.execute(SimpleStatement.newInstance("CREATE KEYSPACE shop WITH replication ="
                + " {'class': 'NetworkTopologyStrategy', '" + datacenter + "': " + rf + "}").setTimeout(Duration.ofSeconds(30)));
        session.execute(SimpleStatement.newInstance("CREATE TABLE shop.orders (id int PRIMARY KEY, item text)")
                .setTimeout(Duration.ofSeconds(30)));
        PreparedStatement insert = session.prepare("INSERT INTO shop.orders (id, item) VALUES (?, ?)");
        for (int i = 0; i < rows; i++) {
            session.execute(insert.bind(i, "item-" + i).setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
        }
    }
}
