package io.mesosoperator.samples.fastdata;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Writes one micro-batch's per-key deltas so that applying the same batch twice changes nothing.
 *
 * <p>Why it is exact: Spark writes a micro-batch's offset range to the checkpoint's offset log before running
 * it, and a driver restarted from the checkpoint re-runs an uncommitted batch with the same id and the same
 * offsets, hence the same deltas. Each delta is stored under (key, batch id) in {@code fastdata.batch_totals},
 * an overwrite of the same values on a replay, and {@code fastdata.totals} is then recomputed from those rows,
 * never incremented. So whatever point a driver dies at (before, between or after these writes, before or after
 * Spark's commit), the totals end up as the sum of every batch exactly once. The cost: one row per key and batch
 * that touched it (a production job would fold old batches into a base row).
 */
final class TotalsWriter {

    record Delta(String key, long count, long sum) {}

    private static CqlSession session;
    private static PreparedStatement insertDelta;
    private static PreparedStatement sumDeltas;
    private static PreparedStatement writeTotal;

    private TotalsWriter() {}

    static void createSchema(CassandraTarget target) {
        CqlSession s = session(target);
        s.execute("CREATE KEYSPACE IF NOT EXISTS fastdata WITH replication = "
                + "{'class': 'SimpleStrategy', 'replication_factor': " + target.replication() + "}");
        s.execute("CREATE TABLE IF NOT EXISTS fastdata.totals (key text PRIMARY KEY, count bigint, sum bigint)");
        s.execute("CREATE TABLE IF NOT EXISTS fastdata.batch_totals "
                + "(key text, batch_id bigint, count bigint, sum bigint, PRIMARY KEY (key, batch_id))");
        prepare(s);
    }

    static synchronized void apply(CassandraTarget target, long batchId, List<Delta> deltas) {
        CqlSession s = session(target);
        if (insertDelta == null) {
            prepare(s);
        }
        join(deltas.stream().map(d -> s.executeAsync(insertDelta.bind(d.key(), batchId, d.count(), d.sum()))
                .toCompletableFuture()).toList());
        join(deltas.stream().map(d -> s.executeAsync(sumDeltas.bind(d.key())).toCompletableFuture()
                .thenCompose(rs -> {
                    Row row = rs.one();
                    return s.executeAsync(writeTotal.bind(d.key(), row.getLong(0), row.getLong(1)))
                            .toCompletableFuture();
                })).toList());
        System.out.println("fastdata-totals: batch " + batchId + " applied, " + deltas.size() + " keys, "
                + deltas.stream().mapToLong(Delta::count).sum() + " events");
    }

    private static void prepare(CqlSession s) {
        insertDelta = withQuorum(s, "INSERT INTO fastdata.batch_totals (key, batch_id, \"count\", \"sum\") VALUES (?, ?, ?, ?)");
        sumDeltas = withQuorum(s, "SELECT sum(\"count\"), sum(\"sum\") FROM fastdata.batch_totals WHERE key = ?");
        writeTotal = withQuorum(s, "INSERT INTO fastdata.totals (key, \"count\", \"sum\") VALUES (?, ?, ?)");
    }

    private static PreparedStatement withQuorum(CqlSession s, String cql) {
        return s.prepare(SimpleStatement.newInstance(cql)
                .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
    }

    private static synchronized CqlSession session(CassandraTarget target) {
        if (session == null) {
            session = target.connect();
        }
        return session;
    }

    private static void join(List<? extends CompletableFuture<?>> futures) {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    }
}
