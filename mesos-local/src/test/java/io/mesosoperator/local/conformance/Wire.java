package io.mesosoperator.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.mesos.MesosJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Raw HTTP to a master or agent, and how an answer is written into a transcript. */
final class Wire {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** The headers a framework may look at; Date and Server say nothing about the API. */
    private static final List<String> HEADERS = List.of("content-type", "content-length", "transfer-encoding",
            "mesos-stream-id", "allow", "location", "www-authenticate");

    private Wire() {}

    record Answer(int status, HttpHeaders headers, String body) {}

    static Answer post(URI uri, Map<String, String> headers, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers(), r.body());
    }

    static Answer get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers(), r.body());
    }

    /** Headers for a call: its content type, and the stream id when there is one. */
    static Map<String, String> callHeaders(ContentType type, String streamId) {
        return streamId == null ? Map.of("Content-Type", type.mediaType(), "Accept", type.mediaType())
                : Map.of("Content-Type", type.mediaType(), "Accept", type.mediaType(), "Mesos-Stream-Id", streamId);
    }

    /** Status, the headers a framework may look at, and the body, normalized. */
    static ObjectNode describe(int status, HttpHeaders headers, String body, Normalizer normalizer) {
        ObjectNode out = JSON.createObjectNode();
        out.put("status", status);
        ObjectNode h = out.putObject("headers");
        for (String name : HEADERS) {
            headers.firstValue(name).ifPresent(v -> h.put(name, normalizer.text(v)));
        }
        if (body != null) {
            out.put("body", normalizer.text(body));
        }
        return out;
    }

    static ObjectNode describe(Answer answer, Normalizer normalizer) {
        return describe(answer.status(), answer.headers(), answer.body(), normalizer);
    }

    /**
     * One record of an event stream as JSON: JSON records as they came (so a number sent as a
     * string, or fields in another order, stay visible); protobuf records decoded and printed.
     */
    static JsonNode record(byte[] record, ContentType type, Supplier<Message.Builder> events) throws IOException {
        if (type == ContentType.JSON) {
            return JSON.readTree(record);
        }
        return JSON.readTree(MesosJson.print(type.decode(record, events.get())));
    }
}
