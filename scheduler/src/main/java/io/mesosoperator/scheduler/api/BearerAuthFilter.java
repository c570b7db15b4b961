package io.mesosoperator.scheduler.api;

import io.mesosoperator.scheduler.kind.KindCall;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.util.function.Function;
import jakarta.annotation.Priority;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/**
 * Bearer-token authentication of the REST API, the event stream and the admin port: writes (such as
 * the admin tasks, POST /tasks/*) always need a valid token once a token file is configured, reads
 * only when `api.protectReads` says so. Tokens are compared in constant time and never logged or echoed.
 * It runs before Jersey matches the request and before the other filters, so a caller without a valid
 * token learns nothing of the API (no 404, 405 or 415 in place of the 401).
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
final class BearerAuthFilter implements ContainerRequestFilter {
    private static final String CHALLENGE = "Bearer realm=\"mesos-operator\"";

    private final List<byte[]> tokens;
    private final boolean protectReads;
    /** Each resource's secret (null when it has none), from which the scoped tokens of its work derive. */
    private final Function<ResourceKey, String> secrets;

    private BearerAuthFilter(List<byte[]> tokens, boolean protectReads, Function<ResourceKey, String> secrets) {
        this.tokens = tokens;
        this.protectReads = protectReads;
        this.secrets = secrets;
    }

    /**
     * @param secrets each resource's secret or null (ZkStore::existingSecret): a call below a resource's
     *                {@code runs/R/attempts/A} is also admitted with the token the operator handed that attempt
     *                ({@link KindCall#scopedToken})
     */
    static BearerAuthFilter fromFile(Path file, boolean protectReads, Function<ResourceKey, String> secrets) throws IOException {
        List<byte[]> tokens = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim)
                .filter(t -> !t.isEmpty() && !t.startsWith("#")).map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        if (tokens.isEmpty()) {
            throw new IOException("api.tokenFile " + file + " holds no token");
        }
        return new BearerAuthFilter(tokens, protectReads, secrets);
    }

    /** Whether a request with this method and Authorization header may pass. */
    boolean allows(String method, String header) {
        boolean read = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        if (read && !protectReads) {
            return true;
        }
        String presented = bearer(header);
        return presented != null && valid(presented);
    }

    /** Whether a request on {@code path} may pass: as {@link #allows(String, String)}, or with the token of its scope. */
    boolean allows(String method, String path, String header) {
        if (allows(method, header)) {
            return true;
        }
        String presented = bearer(header);
        KindCall.Scoped scoped = presented == null ? null : KindCall.scopeOf(path);
        String secret = scoped == null ? null : secrets.apply(scoped.resource());
        return secret != null && MessageDigest.isEqual(
                KindCall.scopedToken(secret, scoped.resource(), scoped.scope()).getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The token of an {@code Authorization: Bearer TOKEN} header, or null for no header or another scheme. */
    private static String bearer(String header) {
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (!allows(request.getMethod(), request.getUriInfo().getPath(), header)) {
            request.abortWith(jakarta.ws.rs.core.Response.fromResponse(ApiErrors.of(401, refusal(header)))
                    .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE).build());
        }
    }

    /** The same check outside Jersey: true if the request may go on, else the 401 has been written. */
    boolean admit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (allows(request.getMethod(), header)) {
            return true;
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        ApiErrors.write(response, 401, refusal(header));
        return false;
    }

    /** This check as a servlet filter, for the admin port (its tasks are writes, its health and metrics reads). */
    Filter servletFilter() {
        return (request, response, chain) -> {
            if (admit((HttpServletRequest) request, (HttpServletResponse) response)) {
                chain.doFilter(request, response);
            }
        };
    }

    private static String refusal(String header) {
        return header == null
                ? "this operator requires a bearer token (Authorization: Bearer TOKEN; CLI: --token or $MESOS_OPERATOR_TOKEN)"
                : "the bearer token is not valid";
    }

    private boolean valid(String presented) {
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] token : tokens) {
            ok |= MessageDigest.isEqual(token, bytes);
        }
        return ok;
    }
}
