package io.mesosoperator.executor;

import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.mesos.RecordIo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * The executor's HTTP connection to its agent: one long-lived SUBSCRIBE stream for events, and
 * separate short requests for every other call, as executor-http-api.md requires.
 */
final class AgentClient {
    private static final ContentType TYPE = ContentType.PROTOBUF;

    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    AgentClient(String agentEndpoint) {
        this.endpoint = URI.create("http://" + agentEndpoint + "/api/v1/executor");
    }

    /** Opens the event stream; the returned reader yields decoded events until the stream ends. */
    EventStream subscribe(Call subscribe) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", TYPE.mediaType())
                .header("Accept", TYPE.mediaType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(TYPE.encode(subscribe)))
                .build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            throw new IOException("SUBSCRIBE refused by agent " + endpoint + ": " + response.statusCode() + " " + body);
        }
        return new EventStream(response.body());
    }

    /** Sends a non-SUBSCRIBE call; the agent answers 202 Accepted. */
    void send(Call call) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", TYPE.mediaType())
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(TYPE.encode(call)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IOException(call.getType() + " refused by agent: " + response.statusCode() + " " + response.body());
        }
    }

    static final class EventStream implements AutoCloseable {
        private final InputStream in;
        private final RecordIo.Reader reader;

        EventStream(InputStream in) {
            this.in = in;
            this.reader = new RecordIo.Reader(in);
        }

        /** The next event, or null when the agent closed the stream. */
        Event next() throws IOException {
            byte[] record = reader.next();
            return record == null ? null : TYPE.decode(record, Event.newBuilder()).build();
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing a dead stream: nothing to do
            }
        }
    }
}
