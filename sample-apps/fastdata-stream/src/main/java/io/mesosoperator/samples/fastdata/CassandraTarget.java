package io.mesosoperator.samples.fastdata;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.Serializable;
import java.time.Duration;
import java.net.InetSocketAddress;

/** Where the totals go: contact points {@code host:port,...} (as CassandraCluster exports them) and the datacenter. */
record CassandraTarget(String contactPoints, String datacenter, int replication) implements Serializable {

    CqlSession connect() {
        // the driver's 2 s default is short for schema changes, and for anything on a busy machine
        CqlSessionBuilder builder = CqlSession.builder().withLocalDatacenter(datacenter)
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(60))
                        .build());
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
