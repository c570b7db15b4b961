package io.mesosoperator.scheduler.akka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.scheduler.kind.PollingProbe;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's view into the Akka/Pekko clusters it runs: every {@link #INTERVAL}, on its own
 * thread, {@code GET /cluster/members} of Akka/Pekko Management on one running replica (the first
 * that answers), and tells the operator when the membership changed. Only the status shows it:
 * readiness is each replica's own {@code /ready}, through the Mesos health check.
 */
public final class AkkaProbe extends PollingProbe<AkkaProbe.Watch, AkkaProbe.Snapshot> {
    private static final Logger LOG = LoggerFactory.getLogger(AkkaProbe.class);
    static final Duration INTERVAL = Duration.ofSeconds(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What one replica's management API answered at {@code takenAt}: members by address with their
     * status, the unreachable ones, the leader; {@code error} set when no replica answered.
     */
    public record Snapshot(Instant takenAt, String answeredBy, String leader, Map<String, String> members,
                           List<String> unreachable, String error) {
        boolean sameAs(Snapshot o) {
            return o != null && Objects.equals(answeredBy, o.answeredBy) && Objects.equals(leader, o.leader)
                    && members.equals(o.members) && unreachable.equals(o.unreachable) && Objects.equals(error, o.error);
        }
    }

    static final class Watch extends PollingProbe.Watched<Snapshot> {
        volatile List<String> endpoints = List.of();
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    public AkkaProbe() {
        super("akka-probe", INTERVAL, LOG);
    }

    /** Keeps watching a service through these management endpoints ("host:port", asked in order). */
    void watch(ResourceKey key, List<String> endpoints) {
        watch(key).endpoints = List.copyOf(endpoints);
    }

    @Override
    protected Watch newWatch() {
        return new Watch();
    }

    @Override
    protected Snapshot poll(ResourceKey key, Watch w) {
        return w.endpoints.isEmpty() ? null : poll(w.endpoints);
    }

    @Override
    protected boolean same(Snapshot a, Snapshot b) {
        return a.sameAs(b);
    }

    @Override
    protected String describe(Snapshot next) {
        return "members " + next.members() + ", unreachable " + next.unreachable()
                + (next.error() == null ? "" : " (" + next.error() + ")");
    }

    private Snapshot poll(List<String> endpoints) {
        String lastError = null;
        for (String endpoint : endpoints) {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + endpoint + "/cluster/members"))
                        .timeout(TIMEOUT).GET().build();
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    lastError = "HTTP " + r.statusCode() + " from " + endpoint;
                    continue;
                }
                return parse(endpoint, JSON.readTree(r.body()), Instant.now());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return new Snapshot(Instant.now(), null, null, Map.of(), List.of(), "interrupted");
            } catch (Exception ex) {
                lastError = endpoint + ": " + ex.getClass().getSimpleName()
                        + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
            }
        }
        return new Snapshot(Instant.now(), null, null, Map.of(), List.of(), "no replica answered: " + lastError);
    }

    /** Akka/Pekko Management's {@code /cluster/members} answer, as a snapshot. */
    static Snapshot parse(String endpoint, JsonNode body, Instant at) {
        Map<String, String> members = new TreeMap<>();
        body.path("members").forEach(m -> members.put(m.path("node").asText(), m.path("status").asText()));
        List<String> unreachable = new ArrayList<>();
        body.path("unreachable").forEach(u -> unreachable.add(u.path("node").asText()));
        unreachable.sort(null);
        return new Snapshot(at, endpoint, body.hasNonNull("leader") ? body.get("leader").asText() : null, members,
                unreachable, null);
    }

}
