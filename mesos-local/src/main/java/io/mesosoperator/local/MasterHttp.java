package io.mesosoperator.local;

import io.mesosoperator.mesos.ContentType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * The master's endpoints: the v1 scheduler API (authentication, the redirect to the leader, the
 * decoding and validation of calls, the SUBSCRIBE stream), /state, /health and /metrics/snapshot.
 * Runs on Jetty's threads; everything that reads or changes the master's state is handed to its
 * actor, and the answer waited for.
 */
final class MasterHttp implements Http.Routes {
    private final LocalMaster master;
    private final Actor actor;
    private final Map<String, String> credentials;
    private final FrameworkLifecycle lifecycle;
    private final SchedulerCalls calls;
    private final MasterStateJson stateJson;

    MasterHttp(LocalMaster master, Actor actor, Map<String, String> credentials, FrameworkLifecycle lifecycle,
               SchedulerCalls calls, MasterStateJson stateJson) {
        this.master = master;
        this.actor = actor;
        this.credentials = credentials;
        this.lifecycle = lifecycle;
        this.calls = calls;
        this.stateJson = stateJson;
    }

    @Override
    public void handle(String target, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        switch (target) {
            // a master's endpoints live under its process id, "master"; Mesos' scheduler library uses that path
            case "/api/v1/scheduler", "/master/api/v1/scheduler" -> scheduler(req, resp);
            case "/state", "/master/state", "/state.json" -> Http.json(resp, actor.call(() -> stateJson.state(master.electedTime())));
            case "/health", "/master/health" -> resp.setStatus(200);
            case "/metrics/snapshot" -> Http.json(resp, actor.call(stateJson::metricsSnapshot));
            default -> Http.text(resp, 404, "");
        }
    }

    private void scheduler(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!credentials.isEmpty() && !authenticated(req.getHeader("Authorization"))) {
            // libprocess' basic authenticator (--authenticate_http_frameworks)
            resp.setHeader("WWW-Authenticate", "Basic realm=\"mesos-master-scheduler\"");
            throw new Http.Failure(401, "");
        }
        if (!master.isLeading()) {
            // http.cpp Master::Http::redirect: a protocol-relative Location to the leader
            Address leader = master.leaderAddress();
            if (leader == null) {
                throw new Http.Failure(503, "No leader elected");
            }
            resp.setHeader("Location", "//" + leader.getHostname() + ":" + leader.getPort() + "/api/v1/scheduler");
            throw new Http.Failure(307, "");
        }
        Call call = Http.decodeCall(req, resp, Call.newBuilder());
        SchedulerCallValidation.validate(call);
        if (call.getType() == Call.Type.SUBSCRIBE) {
            subscribe(call, req, resp);
            return;
        }
        String streamId = req.getHeader("Mesos-Stream-Id");
        int status = actor.call(() -> calls.handle(call, streamId));
        if (status == 200) {
            resp.setStatus(200);
            resp.setContentLength(0);
        } else {
            Http.accepted(resp);
        }
    }

    /** Answers 200 and then streams the framework's events on this request's thread until the stream ends. */
    private void subscribe(Call call, HttpServletRequest req, HttpServletResponse resp) {
        ContentType responseType = Http.responseType(req);
        if (req.getHeader("Mesos-Stream-Id") != null) {
            throw Http.badRequest("Subscribe calls should not include the 'Mesos-Stream-Id' header");
        }
        EventStream stream = new EventStream(UUID.randomUUID().toString(), responseType);
        String frameworkId = actor.call(() -> lifecycle.subscribe(call, stream));
        resp.setStatus(200);
        resp.setHeader("Mesos-Stream-Id", stream.id());
        resp.setContentType(responseType.mediaType());
        stream.pump(resp, () -> actor.dispatch(() -> lifecycle.disconnected(frameworkId, stream)));
    }

    private boolean authenticated(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        return colon > 0 && decoded.substring(colon + 1).equals(credentials.get(decoded.substring(0, colon)));
    }
}
