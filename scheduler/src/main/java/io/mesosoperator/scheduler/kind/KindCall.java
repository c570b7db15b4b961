package io.mesosoperator.scheduler.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.ResourceStatus;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A call of a kind's own API on a resource's running work, e.g. a Spark driver asking for its
 * executors ({@code PUT .../runs/0/attempts/1/executors}). The API routes it, the loop thread runs
 * it ({@link Reconciler#call}), so it sees and changes the status as reconciliations do.
 *
 * @param method the HTTP method
 * @param path   the path below the resource, split at '/' (e.g. runs, 0, attempts, 1, executors)
 * @param body   the request's JSON body; null when it has none
 */
public record KindCall(String method, List<String> path, JsonNode body) {

    /**
     * What a call answers: the HTTP status and JSON body, and the status that records what it
     * changed (stored before the answer leaves, then the resource is reconciled); null when it
     * changed nothing.
     */
    public record Answer(int code, JsonNode body, ResourceStatus status) {}

    /** The calls a scoped token admits: those below {@code runs/R/attempts/A} of one resource. */
    private static final Pattern SCOPED = Pattern.compile("/?v1/resources/([^/]+)/([^/]+)/(runs/[^/]+/attempts/[^/]+)(/.*)?");

    /**
     * The token the operator hands the work it started (a Spark driver) for its own calls, when the API
     * needs one: it admits the calls below {@code scope} ({@code runs/R/attempts/A}) of that one resource,
     * nothing else, and a later attempt's token is another. Derived from the resource's secret (an HMAC), so
     * every operator instance checks it without storing it, and it ends with the resource.
     */
    public static String scopedToken(String secret, ResourceKey resource, String scope) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] tag = mac.doFinal((resource + "/" + scope).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * The resource and scope a request path ({@code v1/resources/K/N/runs/R/attempts/A/...}) is a scoped
     * call of, or null for any other path.
     */
    public static Scoped scopeOf(String path) {
        Matcher m = SCOPED.matcher(path);
        return m.matches() ? new Scoped(new ResourceKey(m.group(1), m.group(2)), m.group(3)) : null;
    }

    public record Scoped(ResourceKey resource, String scope) {}
}
