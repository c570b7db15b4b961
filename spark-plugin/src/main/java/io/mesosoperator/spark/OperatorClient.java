package io.mesosoperator.spark;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The operator's executor API for one run, over HTTP with JSON (docs/spark-executors.md):
 * <ul>
 *   <li>{@code PUT .../executors}: the executors the driver wants now (how to launch them and, per
 *       resource profile, how many in total); the operator keeps that many alive;</li>
 *   <li>{@code POST .../executors/kill} {@code {"ids": [...]}}: kill these, and do not replace them;</li>
 *   <li>{@code GET .../executors}: every executor of the run with its state;</li>
 *   <li>{@code DELETE .../executors}: the driver is done, kill them all.</li>
 * </ul>
 * All four are idempotent, so a failed call is simply sent again.
 */
final class OperatorClient {
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL, true);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final OperatorUrl url;
    private final String token;
    private final HttpClient http;

    /** @param token the operator API's bearer token, or null when it needs none */
    OperatorClient(OperatorUrl url, String token) {
        this.url = url;
        this.token = token == null || token.isBlank() ? null : token.trim();
        // an operator that is not the leader may redirect (307) to the one that is
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    OperatorUrl url() {
        return url;
    }

    void want(ExecutorLaunch launch, String uiUrl, Collection<ExecutorProfile> profiles) throws IOException {
        send("PUT", url.executors(), wanted(launch, uiUrl, profiles));
    }

    void kill(Collection<String> ids) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ids.forEach(body.putArray("ids")::add);
        send("POST", url.killExecutors(), body);
    }

    List<ExecutorReport> executors() throws IOException {
        return reports(send("GET", url.executors(), null));
    }

    void killAll() throws IOException {
        send("DELETE", url.executors(), null);
    }

    /**
     * The body of PUT .../executors: the launch settings, the driver's web UI (null when disabled:
     * the operator shows it in the job's status) and {@code profiles} with their totals.
     */
    static ObjectNode wanted(ExecutorLaunch launch, String uiUrl, Collection<ExecutorProfile> profiles) {
        ObjectNode body = JSON.valueToTree(launch);
        body.put("uiUrl", uiUrl);
        body.set("profiles", JSON.valueToTree(profiles));
        return body;
    }

    /** The body of GET .../executors: {@code {"executors": [ExecutorReport...]}}. */
    static List<ExecutorReport> reports(JsonNode body) throws IOException {
        List<ExecutorReport> reports = new ArrayList<>();
        for (JsonNode e : body.path("executors")) {
            reports.add(JSON.treeToValue(e, ExecutorReport.class));
        }
        return reports;
    }

    private JsonNode send(String method, URI uri, JsonNode body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(method + " " + uri + " interrupted", e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new OperatorException(method + " " + uri + " answered " + status + ": " + response.body().strip(),
                    status);
        }
        String text = response.body();
        return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    }

    /** The operator answered with an error status; 4xx other than 408/429 will not get better by asking again. */
    static final class OperatorException extends IOException {
        private final int status;

        OperatorException(String message, int status) {
            super(message);
            this.status = status;
        }

        boolean retryable() {
            return status >= 500 || status == 408 || status == 429;
        }
    }
}
