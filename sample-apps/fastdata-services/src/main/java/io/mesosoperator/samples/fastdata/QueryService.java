package io.mesosoperator.samples.fastdata;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /totals/{key}}: {@code {"key", "count", "sum"}} from Cassandra's {@code fastdata.totals} (which the
 * streaming job creates and keeps); 404 when no event of that key was counted yet; 503 while the table does not exist.
 * Environment: CASSANDRA_CONTACT_POINTS (host:port,...), CASSANDRA_DATACENTER, PORT_HTTP, optionally HTTP_HOST.
 */
public final class QueryService extends AllDirectives {

    private final CqlSession session;
    private volatile PreparedStatement select;

    QueryService(CqlSession session) {
        this.session = session;
    }

    public static void main(String[] args) {
        CqlSessionBuilder builder = CqlSession.builder().withLocalDatacenter(HttpService.env("CASSANDRA_DATACENTER"))
                .withConfigLoader(DriverConfigLoader.programmaticBuilder() // 2 s by default: short on a busy machine
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10)).build());
        for (String point : HttpService.env("CASSANDRA_CONTACT_POINTS").split(",")) {
            String p = point.trim();
            int colon = p.lastIndexOf(':');
            builder.addContactPoint(InetSocketAddress.createUnresolved(p.substring(0, colon),
                    Integer.parseInt(p.substring(colon + 1))));
        }
        QueryService query = new QueryService(builder.build());
        HttpService.serve("query", system -> query.routes());
    }

    Route routes() {
        return concat(
                pathPrefix("totals", () -> path(PathMatchers.segment(), key -> get(() -> completeWithFuture(total(key))))),
                path("ready", () -> get(() -> complete(HttpService.json(StatusCodes.OK, Map.of("ready", true))))));
    }

    private CompletionStage<HttpResponse> total(String key) {
        PreparedStatement statement;
        try {
            statement = select();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(HttpService.error(StatusCodes.SERVICE_UNAVAILABLE,
                    "fastdata.totals cannot be read yet (the streaming job creates it): " + e.getMessage()));
        }
        return session.executeAsync(statement.bind(key)).thenApply(rs -> {
            Row row = rs.one();
            if (row == null) {
                return HttpService.error(StatusCodes.NOT_FOUND, "no events counted for key " + key);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("key", key);
            body.put("count", row.getLong(0));
            body.put("sum", row.getLong(1));
            return HttpService.json(StatusCodes.OK, body);
        }).exceptionally(failure -> HttpService.error(StatusCodes.SERVICE_UNAVAILABLE,
                "Cassandra did not answer: " + failure.getMessage()));
    }

    private PreparedStatement select() {
        if (select == null) {
            select = session.prepare(SimpleStatement
                    .newInstance("SELECT \"count\", \"sum\" FROM fastdata.totals WHERE key = ?")
                    .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
        }
        return select;
    }
}
