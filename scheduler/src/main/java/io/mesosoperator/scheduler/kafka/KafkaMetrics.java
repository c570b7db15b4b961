package io.mesosoperator.scheduler.kafka;

import io.mesosoperator.scheduler.kind.MetricsSource.Sample;
import io.mesosoperator.scheduler.kind.MetricsSource.Series;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * A Kafka cluster's own metrics, through the AdminClient (bootstrapped from its running brokers):
 * partitions under-replicated and offline (internal topics included), the active controller, every partition's log-end offset
 * and every consumer group's lag per topic (the log-end offsets less the group's committed offsets,
 * over the partitions it committed; what kafka-consumer-groups.sh shows as LAG).
 */
public final class KafkaMetrics implements io.mesosoperator.scheduler.kind.MetricsSource, AutoCloseable {
    private static final String CLUSTER = "kafkacluster";
    static final Series BROKERS = Series.gauge("mesos_operator_kafka_brokers",
            "Brokers in the cluster's metadata", CLUSTER);
    static final Series UNDER_REPLICATED = Series.gauge("mesos_operator_kafka_under_replicated_partitions",
            "Partitions whose in-sync replicas are fewer than their replicas", CLUSTER);
    static final Series OFFLINE = Series.gauge("mesos_operator_kafka_offline_partitions",
            "Partitions without a leader (unavailable to producers and consumers)", CLUSTER);
    static final Series ACTIVE_CONTROLLER = Series.gauge("mesos_operator_kafka_active_controller_id",
            "Node id of the KRaft quorum's leader, the active controller; -1 when there is none", CLUSTER);
    static final Series LOG_END_OFFSET = Series.gauge("mesos_operator_kafka_log_end_offset",
            "The partition's log-end offset (the offset its next record gets)", CLUSTER, "topic", "partition");
    static final Series LAG = Series.gauge("mesos_operator_kafka_consumer_group_lag",
            "Records of the topic the consumer group has not committed yet, over the partitions it committed",
            CLUSTER, "group", "topic");

    static final Series ISR_SHRINKS = Series.counter("mesos_operator_kafka_isr_shrinks",
            "Times a partition led by the broker shrank its in-sync replicas (a follower fell behind or went away)",
            CLUSTER, "instance");
    static final Series ISR_EXPANDS = Series.counter("mesos_operator_kafka_isr_expands",
            "Times a partition led by the broker took a follower back into its in-sync replicas", CLUSTER, "instance");
    private static final javax.management.ObjectName ISR_SHRINKS_BEAN =
            io.mesosoperator.scheduler.kind.Jmx.name("kafka.server:type=ReplicaManager,name=IsrShrinksPerSec");
    private static final javax.management.ObjectName ISR_EXPANDS_BEAN =
            io.mesosoperator.scheduler.kind.Jmx.name("kafka.server:type=ReplicaManager,name=IsrExpandsPerSec");

    /**
     * What a broker reads of itself over its JMX port, beside its JVM's heap and GC time: the ISR shrinks and
     * expands of the partitions it leads (Kafka's ReplicaManager meters; their counts). A dedicated
     * controller has no ReplicaManager: it exports none.
     */
    public static final io.mesosoperator.scheduler.kind.Jmx.Beans BROKER_BEANS = new io.mesosoperator.scheduler.kind.Jmx.Beans() {
        @Override
        public List<Series> series() {
            return List.of(ISR_SHRINKS, ISR_EXPANDS);
        }

        @Override
        public List<io.mesosoperator.scheduler.kind.MetricsSource.Sample> read(javax.management.MBeanServerConnection server,
                String cluster, int instance) throws java.io.IOException, javax.management.JMException {
            List<io.mesosoperator.scheduler.kind.MetricsSource.Sample> samples = new java.util.ArrayList<>();
            String id = Integer.toString(instance);
            io.mesosoperator.scheduler.kind.Jmx.addNumber(samples, ISR_SHRINKS, server, ISR_SHRINKS_BEAN, "Count", cluster, id);
            io.mesosoperator.scheduler.kind.Jmx.addNumber(samples, ISR_EXPANDS, server, ISR_EXPANDS_BEAN, "Count", cluster, id);
            return samples;
        }
    };

    /** One AdminClient per cluster, made anew when its brokers change. */
    private final Map<ResourceKey, KafkaProbe.Client> clients = new ConcurrentHashMap<>();

    @Override
    public List<Series> series() {
        return List.of(BROKERS, UNDER_REPLICATED, OFFLINE, ACTIVE_CONTROLLER, LOG_END_OFFSET, LAG);
    }

    @Override
    public List<io.mesosoperator.scheduler.kind.MetricsSource.Target> targets(ResourceReads reads) {
        Map<ResourceKey, List<String>> brokers = new TreeMap<>(java.util.Comparator.comparing(ResourceKey::toString));
        for (TaskRecord t : reads.tasks()) {
            if ("TASK_RUNNING".equals(t.state()) && t.address(KafkaReconciler.BROKER) != null
                    && t.resourceKey().kind().equals("KafkaCluster")) {
                brokers.computeIfAbsent(t.resourceKey(), k -> new ArrayList<>()).add(t.address(KafkaReconciler.BROKER));
            }
        }
        // clusters no broker of which runs any more: their clients go
        clients.keySet().stream().filter(k -> !brokers.containsKey(k)).toList().forEach(k -> clients.remove(k).close());
        List<io.mesosoperator.scheduler.kind.MetricsSource.Target> targets = new ArrayList<>();
        // two targets a cluster: its health answers while a broker is down, when the offset calls, which need every
        // partition's leader and every broker's groups, may hang until the dead broker is fenced; each is left out alone
        brokers.forEach((key, addresses) -> {
            List<String> sorted = addresses.stream().sorted().toList();
            targets.add(new io.mesosoperator.scheduler.kind.MetricsSource.Target(key + " health", () -> {
                KafkaProbe.Client client = client(key);
                try {
                    return health(key.name(), client.get(sorted));
                } catch (Exception e) {
                    client.close(); // a fresh client next round
                    throw e;
                }
            }));
            // an offsets call that fails while a broker is down leaves the shared client to the health target
            targets.add(new io.mesosoperator.scheduler.kind.MetricsSource.Target(key + " offsets",
                    () -> offsets(key.name(), client(key).get(sorted))));
        });
        return targets;
    }

    private KafkaProbe.Client client(ResourceKey key) {
        return clients.computeIfAbsent(key, k -> new KafkaProbe.Client(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    }

    /** Brokers, the active controller, under-replicated and offline partitions: from the cluster's metadata. */
    static List<Sample> health(String cluster, Admin admin) throws Exception {
        List<Sample> samples = new ArrayList<>();
        samples.add(BROKERS.sample(admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size(), cluster));
        samples.add(ACTIVE_CONTROLLER.sample(admin.describeMetadataQuorum().quorumInfo().get(5, TimeUnit.SECONDS).leaderId(),
                cluster));
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(5, TimeUnit.SECONDS);
        Map<String, TopicDescription> described = topics.isEmpty() ? Map.of()
                : admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
        int underReplicated = 0;
        int offline = 0;
        for (TopicDescription t : described.values()) {
            for (TopicPartitionInfo p : t.partitions()) {
                if (p.isr().size() < p.replicas().size()) {
                    underReplicated++;
                }
                if (p.leader() == null || p.leader().isEmpty()) {
                    offline++;
                }
            }
        }
        samples.add(UNDER_REPLICATED.sample(underReplicated, cluster));
        samples.add(OFFLINE.sample(offline, cluster));
        return samples;
    }

    /** Every partition's log-end offset and every consumer group's lag per topic. */
    static List<Sample> offsets(String cluster, Admin admin) throws Exception {
        List<Sample> samples = new ArrayList<>();
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(false)).names().get(5, TimeUnit.SECONDS);
        Map<String, TopicDescription> described = topics.isEmpty() ? Map.of()
                : admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (TopicDescription t : described.values()) {
            for (TopicPartitionInfo p : t.partitions()) {
                if (p.leader() != null && !p.leader().isEmpty()) { // an offline partition's end is unknown
                    partitions.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest());
                }
            }
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        if (!partitions.isEmpty()) {
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e
                    : admin.listOffsets(partitions).all().get(5, TimeUnit.SECONDS).entrySet()) {
                ends.put(e.getKey(), e.getValue().offset());
                samples.add(LOG_END_OFFSET.sample(e.getValue().offset(), cluster, e.getKey().topic(),
                        Integer.toString(e.getKey().partition())));
            }
        }
        List<String> groups = admin.listConsumerGroups().all().get(5, TimeUnit.SECONDS).stream()
                .map(ConsumerGroupListing::groupId).sorted().toList();
        if (!groups.isEmpty()) {
            Map<String, ListConsumerGroupOffsetsSpec> specs = groups.stream()
                    .collect(Collectors.toMap(g -> g, g -> new ListConsumerGroupOffsetsSpec()));
            Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
                    admin.listConsumerGroupOffsets(specs).all().get(5, TimeUnit.SECONDS);
            lags(committed, ends).forEach((groupAndTopic, lag) ->
                    samples.add(LAG.sample(lag, cluster, groupAndTopic.get(0), groupAndTopic.get(1))));
        }
        return samples;
    }

    /**
     * Per [group, topic]: the sum over the partitions the group committed of the log-end offset less
     * the committed offset (never below 0). A partition whose end is unknown (offline) is left out.
     */
    static Map<List<String>, Long> lags(Map<String, Map<TopicPartition, OffsetAndMetadata>> committed,
                                        Map<TopicPartition, Long> ends) {
        Map<List<String>, Long> lags = new TreeMap<>(java.util.Comparator.comparing((List<String> l) -> l.get(0))
                .thenComparing(l -> l.get(1)));
        committed.forEach((group, offsets) -> offsets.forEach((tp, offset) -> {
            Long end = ends.get(tp);
            if (offset != null && end != null) {
                lags.merge(List.of(group, tp.topic()), Math.max(0, end - offset.offset()), Long::sum);
            }
        }));
        return lags;
    }

    @Override
    public void close() {
        clients.values().forEach(KafkaProbe.Client::close);
        clients.clear();
    }
}
