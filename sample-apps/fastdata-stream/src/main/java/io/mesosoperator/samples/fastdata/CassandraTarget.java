package io.mesosoperator.samples.fastdata;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import java.io.Serializable;
import java.net.InetSocketAddress;

/** Where the totals go: contact points {@code host:port,...} (as CassandraCluster exports them) and the datacenter. */
record CassandraTarget(String contactPoints, String datacenter, int replication) implements Serializable {

    CqlSession connect() {
        CqlSessionBuilder builder = CqlSession.builder().withLocalDatacenter(datacenter);
        for (String point : contactPoints.split(",")) {
            String p = point.trim();
            int colon = p.lastIndexOf(':');
            builder.addContactPoint(InetSocketAddress.createUnresolved(p.substring(0, colon),
                    Integer.parseInt(p.substring(colon + 1))));
        }
        return builder.build();
    }

    @Override
    public String toString() {
        return "cassandra " + contactPoints + " (" + datacenter + ")";
    }
}
