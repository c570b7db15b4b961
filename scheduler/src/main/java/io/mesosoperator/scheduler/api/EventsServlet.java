package io.mesosoperator.scheduler.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.scheduler.events.WatchHub;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * GET /v1/events[?kind=K][&name=N]: Server-Sent Events of resource events, task state changes and
 * status changes, as they happen. A comment line every 15 s keeps idle connections open.
 */
final class EventsServlet extends HttpServlet {
    private static final long KEEPALIVE_MS = 15_000;
    private static final int MAX_QUEUED = 10_000;

    private final transient WatchHub hub;
    private final transient ObjectMapper json;
    private final transient BearerAuthFilter auth;

    EventsServlet(WatchHub hub, ObjectMapper json, BearerAuthFilter auth) {
        this.hub = hub;
        this.json = json;
        this.auth = auth;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (auth != null && !auth.allows("GET", req.getHeader("Authorization"))) {
            resp.setStatus(401);
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"mesos-operator\"");
            resp.setContentType("application/json");
            resp.getWriter().write("{\"errors\":[{\"path\":\"\",\"message\":\"this operator requires a bearer token\"}]}");
            return;
        }
        String kind = req.getParameter("kind");
        String name = req.getParameter("name");
        // only=status,task,event,plan-step: the kinds of change wanted (default: all)
        java.util.Set<String> only = req.getParameter("only") == null ? null
                : java.util.Set.of(req.getParameter("only").split(","));
        java.util.concurrent.atomic.AtomicBoolean dropped = new java.util.concurrent.atomic.AtomicBoolean();
        BlockingQueue<WatchHub.Change> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
        resp.setStatus(200);
        resp.setContentType("text/event-stream");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-cache");
        PrintWriter out = resp.getWriter();
        out.write(": watching\n\n");
        out.flush();
        try (AutoCloseable subscription = hub.watch(change -> {
            boolean wanted = change == WatchHub.END
                    || (matches(change.resource(), kind, name) && (only == null || only.contains(change.kind())));
            if (wanted && !queue.offer(change)) {
                dropped.set(true);
                throw new IllegalStateException("watcher too slow"); // the hub drops it
            }
        })) {
            while (!out.checkError()) {
                if (dropped.get() && queue.isEmpty()) {
                    // say so and end: a client that reconnects starts afresh instead of silently missing changes
                    out.write(": dropped: this watcher fell " + MAX_QUEUED + " changes behind\n\n");
                    out.flush();
                    return;
                }
                WatchHub.Change change = queue.poll(KEEPALIVE_MS, TimeUnit.MILLISECONDS);
                if (change == WatchHub.END) {
                    return;
                }
                if (change == null) {
                    out.write(": keep-alive\n\n");
                } else {
                    out.write("event: " + change.kind() + "\ndata: " + json.writeValueAsString(change) + "\n\n");
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the watcher went away
        }
    }

    private static boolean matches(String resource, String kind, String name) {
        int slash = resource.indexOf('/');
        String k = resource.substring(0, slash);
        String n = resource.substring(slash + 1);
        return (kind == null || kind.equalsIgnoreCase(k)) && (name == null || name.equals(n));
    }
}
