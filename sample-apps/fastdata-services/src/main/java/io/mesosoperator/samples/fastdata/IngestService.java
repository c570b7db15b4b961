package io.mesosoperator.samples.fastdata;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code POST /events}: JSON lines {@code {"key": STRING, "value": INTEGER}} into the Kafka topic (record key = the
 * event's key, value = its value in decimal). 202 only once Kafka acknowledged every event of the request (acks=all,
 * idempotent producer: a retried send is never written twice); 400 naming the first bad line, nothing sent; 503
 * when Kafka did not take them (some may have been written: a client that retries may count them twice).
 * Environment: KAFKA_BOOTSTRAP (host:port,...), PORT_HTTP, optionally TOPIC (events), HTTP_HOST.
 */
public final class IngestService extends AllDirectives {

    record Event(String key, long value) {}

    private final KafkaProducer<String, String> producer;
    private final String topic;

    IngestService(KafkaProducer<String, String> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    public static void main(String[] args) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, HttpService.env("KAFKA_BOOTSTRAP"));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        IngestService ingest = new IngestService(new KafkaProducer<>(props),
                System.getenv().getOrDefault("TOPIC", "events"));
        HttpService.serve("ingest", system -> ingest.routes());
    }

    Route routes() {
        return concat(
                path("events", () -> post(() -> entity(Unmarshaller.entityToString(),
                        body -> completeWithFuture(ingest(body))))),
                path("ready", () -> get(() -> complete(HttpService.json(StatusCodes.OK, Map.of("ready", true))))));
    }

    private CompletionStage<HttpResponse> ingest(String body) {
        List<Event> events = new ArrayList<>();
        String[] lines = body.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                events.add(parse(lines[i]));
            } catch (IllegalArgumentException e) {
                return CompletableFuture.completedFuture(
                        HttpService.error(StatusCodes.BAD_REQUEST, "line " + (i + 1) + ": " + e.getMessage()));
            }
        }
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(HttpService.error(StatusCodes.BAD_REQUEST,
                    "no events: send JSON lines {\"key\": STRING, \"value\": INTEGER}"));
        }
        return CompletableFuture.supplyAsync(() -> send(events)).thenCompose(f -> f)
                .handle((ok, failure) -> failure == null
                        ? HttpService.json(StatusCodes.ACCEPTED, Map.of("accepted", events.size()))
                        : HttpService.error(StatusCodes.SERVICE_UNAVAILABLE,
                                "Kafka did not acknowledge the events: " + rootMessage(failure)));
    }

    /** Sends off the HTTP dispatcher: send() may block while the producer looks up the topic's partitions. */
    private CompletableFuture<Void> send(List<Event> events) {
        List<CompletableFuture<Void>> acks = new ArrayList<>(events.size());
        for (Event event : events) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            producer.send(new ProducerRecord<>(topic, event.key(), Long.toString(event.value())),
                    (metadata, failure) -> {
                        if (failure == null) {
                            ack.complete(null);
                        } else {
                            ack.completeExceptionally(failure);
                        }
                    });
            acks.add(ack);
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    static Event parse(String line) {
        JsonNode node;
        try {
            node = HttpService.JSON.readTree(line);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + line.strip());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected an object {\"key\": STRING, \"value\": INTEGER}");
        }
        JsonNode key = node.get("key");
        JsonNode value = node.get("value");
        if (key == null || !key.isTextual() || key.asText().isEmpty()) {
            throw new IllegalArgumentException("\"key\" must be a non-empty string");
        }
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("\"value\" must be an integer");
        }
        return new Event(key.asText(), value.asLong());
    }

    private static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }
}
