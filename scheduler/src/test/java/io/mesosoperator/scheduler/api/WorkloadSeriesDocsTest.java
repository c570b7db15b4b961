package io.mesosoperator.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.cassandra.CassandraMetrics;
import io.mesosoperator.scheduler.kafka.KafkaMetrics;
import io.mesosoperator.scheduler.kind.MetricsSource;
import io.mesosoperator.scheduler.metrics.WorkloadJvms;
import io.mesosoperator.scheduler.spark.SparkMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README lists every workload series the operator exports, and the Grafana dashboard in docs/
 * uses only series it exports (a renamed series would leave an empty panel).
 */
class WorkloadSeriesDocsTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern SERIES = Pattern.compile("mesos_operator_(task|kafka|cassandra|jvm|spark|akka)_[a-z0-9_]+");

    /** Every exported name as Prometheus shows it (a counter with _total). */
    private static Set<String> exported() {
        Set<String> names = new TreeSet<>(Set.of("mesos_operator_task_cpu_seconds_total", "mesos_operator_task_memory_bytes"));
        List<MetricsSource> sources = List.of(new KafkaMetrics(), new CassandraMetrics(null),
                new WorkloadJvms(java.util.Map.of("KafkaCluster", KafkaMetrics.BROKER_BEANS, "CassandraCluster",
                        CassandraMetrics.NODE_BEANS), null),
                new SparkMetrics(), new io.mesosoperator.scheduler.akka.AkkaMetrics(null));
        for (MetricsSource source : sources) {
            source.series().forEach(s -> names.add(s.counter() ? s.name() + "_total" : s.name()));
        }
        return names;
    }

    private static Set<String> named(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = SERIES.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    @Test
    void theReadmeListsEverySeries() throws Exception {
        assertThat(named(Files.readString(ROOT.resolve("README.md")))).containsAll(exported());
    }

    @Test
    void theDashboardUsesOnlyExportedSeries() throws Exception {
        Set<String> used = named(Files.readString(ROOT.resolve("docs/grafana-dashboard.json")));
        assertThat(exported()).containsAll(used);
        assertThat(used).hasSizeGreaterThan(20);
    }
}
