package io.mesosoperator.scheduler.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.scheduler.mesos.AgentStatistics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@link AgentStatistics} over HTTP: {@code GET <agent>/monitor/statistics}, as on any Mesos agent. */
public final class HttpAgentStatistics implements AgentStatistics {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration timeout;

    public HttpAgentStatistics(Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.timeout = timeout;
    }

    @Override
    public List<ExecutorUsage> statistics(String agentUrl) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(agentUrl + "/monitor/statistics")).timeout(timeout).build();
        HttpResponse<String> reply;
        try {
            reply = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + agentUrl + " for its statistics", e);
        }
        if (reply.statusCode() != 200) {
            throw new IOException("agent " + agentUrl + " answered " + reply.statusCode() + " for /monitor/statistics");
        }
        return parse(reply.body());
    }

    /**
     * The agent's answer: a JSON array of {@code {executor_id, executor_name, framework_id, source,
     * statistics: {timestamp, cpus_user_time_secs, cpus_system_time_secs, mem_rss_bytes,
     * mem_limit_bytes, ...}}}; fields an isolator does not report count as 0, entries without ids are skipped.
     */
    static List<ExecutorUsage> parse(String body) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.isArray()) {
            throw new IOException("/monitor/statistics must answer a JSON array, got "
                    + (root == null ? "nothing" : root.getNodeType()));
        }
        List<ExecutorUsage> usages = new ArrayList<>();
        for (JsonNode entry : root) {
            String framework = entry.path("framework_id").asText("");
            String executor = entry.path("executor_id").asText("");
            if (framework.isEmpty() || executor.isEmpty()) {
                continue;
            }
            JsonNode s = entry.path("statistics");
            usages.add(new ExecutorUsage(framework, executor, s.path("cpus_user_time_secs").asDouble(0),
                    s.path("cpus_system_time_secs").asDouble(0), s.path("mem_rss_bytes").asLong(0),
                    s.path("mem_limit_bytes").asLong(0), s.path("timestamp").asDouble(0)));
        }
        return usages;
    }
}
