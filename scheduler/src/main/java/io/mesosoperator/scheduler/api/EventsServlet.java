package io.mesosoperator.scheduler.api;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;

/**
 * GET /v1/events[?kind=K][&name=N][&only=status,task,event,plan-step]: Server-Sent Events of
 * resource events, task state changes and status changes, as they happen. The request is held
 * asynchronously (no thread waits for an idle watcher, see {@link EventStreams}); a comment line
 * every 15 s keeps idle connections open. Beyond {@code api.maxWatchers} open streams: 429.
 */
final class EventsServlet extends HttpServlet {
    private final transient EventStreams streams;
    private final transient BearerAuthFilter auth;

    EventsServlet(EventStreams streams, BearerAuthFilter auth) {
        this.streams = streams;
        this.auth = auth;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (auth != null && !auth.admit(req, resp)) {
            return;
        }
        EventStream.Filter filter = new EventStream.Filter(req.getParameter("kind"), req.getParameter("name"),
                req.getParameter("only") == null ? null : Set.copyOf(Arrays.asList(req.getParameter("only").split(","))));
        if (!streams.reserve()) {
            resp.setHeader("Retry-After", Long.toString(EventStreams.KEEP_ALIVE.toSeconds()));
            ApiErrors.write(resp, 429, "too many watchers: this operator serves at most " + streams.max()
                    + " event streams at once (api.maxWatchers); retry later");
            return;
        }
        EventStream stream;
        try {
            resp.setStatus(200);
            resp.setContentType("text/event-stream");
            resp.setCharacterEncoding("UTF-8");
            resp.setHeader("Cache-Control", "no-cache");
            AsyncContext async = req.startAsync();
            async.setTimeout(0); // open until the client, the operator or a write ends it
            stream = new EventStream(filter, async, streams);
        } catch (IOException | RuntimeException e) {
            streams.unreserve();
            throw e;
        }
        stream.start();
    }
}
