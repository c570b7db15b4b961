package io.mesosoperator.samples.fastdata;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer of a topic in a consumer group that handles at most RECORDS_PER_SECOND records a second (standing
 * for work that takes time per record) and commits what it handled after every poll: one instance of a consumer
 * Service that the operator autoscales on its group's lag (README, "Autoscaling"). Instances of the same group
 * share the topic's partitions, so more instances drain a backlog faster, up to one per partition.
 * Environment: KAFKA_BOOTSTRAP (host:port,...), TOPIC, GROUP, optionally RECORDS_PER_SECOND (10).
 */
public final class PacedConsumer {
    private PacedConsumer() {}

    public static void main(String[] args) throws InterruptedException {
        String topic = HttpService.env("TOPIC");
        String group = HttpService.env("GROUP");
        double perSecond = Double.parseDouble(System.getenv().getOrDefault("RECORDS_PER_SECOND", "10"));
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, HttpService.env("KAFKA_BOOTSTRAP"));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a poll returns no more than one second's worth, so the group's offsets follow the work closely
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(Math.max(1, (int) Math.ceil(perSecond))));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        long handled = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            System.out.printf("consuming %s as group %s, at most %.1f records/s%n", topic, group, perSecond);
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(1));
                if (records.isEmpty()) {
                    continue;
                }
                Thread.sleep((long) (records.count() * 1000 / perSecond)); // the work
                try {
                    consumer.commitSync();
                } catch (CommitFailedException | RebalanceInProgressException e) {
                    // the partitions moved to another instance meanwhile (one joined or left): it gets these
                    // records again (at least once), this one goes on with what it has now
                    System.out.println("not committed, the group rebalanced: " + e.getMessage());
                    continue;
                }
                handled += records.count();
                System.out.printf("handled %d records (%d in all), partitions %s%n", records.count(), handled,
                        consumer.assignment());
            }
        }
    }
}
