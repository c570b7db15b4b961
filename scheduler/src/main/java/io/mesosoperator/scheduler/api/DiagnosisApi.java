package io.mesosoperator.scheduler.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.monitor.AnomalyMonitor;
import io.mesosoperator.scheduler.monitor.CorrelatedChange;
import io.mesosoperator.scheduler.monitor.Finding;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.ResourceStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * GET /v1/resources/{kind}/{name}/diagnosis: what `diagnose` prints. The resource's Anomalous
 * condition, the series of it that deviate now with their evidence (series, labels, baseline,
 * value, since when) and the correlated changes ranked as likely causes, and its recent anomaly
 * events. The live findings are the leading operator's (its monitor holds the baselines): a
 * follower asks the leader and answers with the leader's reply ({@code servedBy} names it), or, when
 * the leader cannot be asked, with the condition and the events it stored, and says why.
 */
@Path("/v1/resources/{kind}/{name}/diagnosis")
@Produces(MediaType.APPLICATION_JSON)
public final class DiagnosisApi {
    private static final Set<String> ANOMALY_EVENTS = Set.of("AnomalyDetected", "AnomalyCleared");
    /** Set on a follower's request to the leader: an operator that is not leading either answers from its store. */
    static final String FORWARDED = "X-Mesos-Operator-Forwarded";

    private final OperatorAccess access;
    private final AnomalyMonitor monitor;
    private final ObjectMapper json;
    private final UnaryOperator<String> canonicalKind;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** {@code monitor} is null when anomaly monitoring is switched off. */
    DiagnosisApi(OperatorAccess access, AnomalyMonitor monitor, ObjectMapper json, UnaryOperator<String> canonicalKind) {
        this.access = access;
        this.monitor = monitor;
        this.json = json;
        this.canonicalKind = canonicalKind;
    }

    @GET
    public Response diagnose(@PathParam("kind") String kind, @PathParam("name") String name,
                             @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                             @HeaderParam(FORWARDED) String forwarded) {
        ResourceKey key = new ResourceKey(canonicalKind.apply(kind), name);
        String why = "answers another operator's request";
        if (monitor != null && !access.acting() && forwarded == null) {
            Optional<String> url = access.otherLeader();
            try {
                if (url.isPresent()) {
                    return fromLeader(url.get(), key, authorization);
                }
                why = "no other operator leads now";
            } catch (IOException e) {
                why = "the leader at " + url.get() + " did not answer (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                why = "interrupted while asking the leader at " + url.get();
            }
        }
        ResourceReads reads = access.reads();
        if (reads.resource(key) == null) {
            return ApiErrors.of(404, key + " not found");
        }
        ObjectNode out = json.createObjectNode();
        out.put("resource", key.toString());
        ResourceStatus status = reads.status(key);
        Condition anomalous = status == null ? null : status.condition(Condition.ANOMALOUS);
        out.set("anomalous", anomalous == null ? null : json.valueToTree(anomalous));
        ArrayNode findings = out.putArray("findings");
        if (monitor == null) {
            out.put("note", "anomaly monitoring is switched off (monitoring.anomalies.enabled)");
        } else if (!access.acting()) {
            out.put("note", "this operator is a follower and " + why + ": the leading operator holds the live"
                    + " findings; the condition and the events below are the latest it stored");
        } else {
            monitor.findings(key).forEach(f -> findings.add(finding(f)));
            ArrayNode series = out.putArray("series");
            monitor.watching(key).forEach(w -> series.addObject().put("selector", w.selector()).put("warmedUp", w.warmedUp())
                    .put("baseline", w.baseline()).put("seasonal", w.seasonal()));
            out.set("watched", json.valueToTree(monitor.settings().watched().stream().map(w -> w.name()).toList()));
        }
        ArrayNode events = out.putArray("events");
        for (OperatorEvent e : reads.events(key)) {
            if (ANOMALY_EVENTS.contains(e.reason())) {
                events.add(json.valueToTree(e));
            }
        }
        return Response.ok(out).build();
    }

    /** The leader's answer for the resource, as it gave it, with {@code servedBy} naming it. */
    private Response fromLeader(String url, ResourceKey key, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/v1/resources/"
                        + encode(key.kind()) + "/" + encode(key.name()) + "/diagnosis"))
                .timeout(Duration.ofSeconds(10)).header(FORWARDED, "1").header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON);
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization); // the leader applies the same token rules
        }
        HttpResponse<String> reply = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = json.readTree(reply.body());
        } catch (IOException e) {
            throw new IOException("HTTP " + reply.statusCode() + " with a body that is not JSON");
        }
        if (reply.statusCode() == 200 && body instanceof ObjectNode diagnosis) {
            diagnosis.put("servedBy", url);
        }
        return Response.status(reply.statusCode()).entity(body).type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private ObjectNode finding(Finding f) {
        ObjectNode node = json.createObjectNode();
        node.put("series", f.series());
        node.set("labels", json.valueToTree(f.labels()));
        node.put("selector", f.selector());
        node.put("direction", f.anomaly().direction().name());
        node.put("since", f.anomaly().since().toString());
        node.put("baseline", f.anomaly().baseline());
        node.put("value", f.anomaly().value());
        node.put("score", f.anomaly().score());
        node.put("points", f.anomaly().points());
        node.put("evidence", f.evidence());
        ArrayNode correlated = node.putArray("correlated");
        for (CorrelatedChange c : f.correlated()) {
            correlated.addObject().put("time", c.time().toString()).put("category", c.category().name())
                    .put("resource", c.resource().toString()).put("reason", c.reason()).put("what", c.what());
        }
        return node;
    }
}
