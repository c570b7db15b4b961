package io.mesosoperator.samples.fastdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * Makes the stream's backlog visible as a Kafka consumer group's lag: after each micro-batch, the offsets it read up
 * to are committed as the group {@code group} (Spark keeps its own offsets in the checkpoint and commits none to
 * Kafka, so no lag would show otherwise). The group has no members: only these commits. Monitoring only; the job
 * never reads these offsets back. A commit that fails is logged and the next batch's replaces it.
 */
final class ProgressCommitter extends StreamingQueryListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String group;
    private final Admin admin;

    ProgressCommitter(String bootstrap, String group) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(props);
        this.group = group;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (SourceProgress source : event.progress().sources()) {
            offsets.putAll(endOffsets(source.endOffset()));
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            admin.alterConsumerGroupOffsets(group, offsets).all().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("fastdata-totals: the progress of batch " + event.progress().batchId()
                    + " was not committed as group " + group + " (the next batch's will be): " + e);
        }
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
        admin.close();
    }

    /** A Kafka source's end offsets, {"topic": {"partition": offset}}, as the next offsets to read; others give none. */
    static Map<TopicPartition, OffsetAndMetadata> endOffsets(String json) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        JsonNode topics;
        try {
            topics = json == null ? null : JSON.readTree(json);
        } catch (Exception e) {
            return offsets; // not a Kafka source's offsets
        }
        if (topics == null || !topics.isObject()) {
            return offsets;
        }
        for (Iterator<Map.Entry<String, JsonNode>> t = topics.fields(); t.hasNext(); ) {
            Map.Entry<String, JsonNode> topic = t.next();
            for (Iterator<Map.Entry<String, JsonNode>> p = topic.getValue().fields(); p.hasNext(); ) {
                Map.Entry<String, JsonNode> partition = p.next();
                if (partition.getValue().canConvertToLong() && partition.getKey().matches("\\d+")) {
                    offsets.put(new TopicPartition(topic.getKey(), Integer.parseInt(partition.getKey())),
                            new OffsetAndMetadata(partition.getValue().asLong()));
                }
            }
        }
        return offsets;
    }
}
