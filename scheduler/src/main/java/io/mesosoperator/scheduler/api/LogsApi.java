package io.mesosoperator.scheduler.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.TaskRecord;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;

/**
 * GET /v1/resources/{kind}/{name}/logs: a piece of a file in an instance's sandbox (stdout by
 * default; stderr, or a log the workload writes), read through the agent's files API
 * (/files/read, as on any Mesos agent), from the instance's running task or, when none runs, the
 * last one that ended. offset -1 answers the file's size, so a client can start at the end and
 * follow.
 */
@Path("/v1/resources/{kind}/{name}/logs")
@Produces(MediaType.APPLICATION_JSON)
public final class LogsApi {
    private final OperatorAccess access;
    private final ObjectMapper json;
    private final java.util.function.UnaryOperator<String> canonicalKind;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    LogsApi(OperatorAccess access, ObjectMapper json, java.util.function.UnaryOperator<String> canonicalKind) {
        this.access = access;
        this.json = json;
        this.canonicalKind = canonicalKind;
    }

    @GET
    public Response read(@PathParam("kind") String kind, @PathParam("name") String name,
                         @QueryParam("instance") @DefaultValue("0") int instance,
                         @QueryParam("file") @DefaultValue("stdout") String file,
                         @QueryParam("offset") @DefaultValue("0") long offset,
                         @QueryParam("length") @DefaultValue("65536") long length) {
        String logFile = logFile(file);
        if (logFile == null) {
            return ApiErrors.of(422, "file must be stdout, stderr or a log inside the sandbox (*.log, or under a logs"
                    + " directory), got '" + file + "'");
        }
        file = logFile;
        String resource = canonicalKind.apply(kind) + "/" + name;
        TaskRecord task = access.reads().tasks().stream()
                .filter(t -> t.resource().equals(resource) && t.instance() == instance && !t.terminal())
                .max(Comparator.comparing((TaskRecord t) -> "TASK_RUNNING".equals(t.state())).thenComparing(TaskRecord::launchedAt))
                .orElse(null);
        if (task == null || task.sandbox() == null || task.agentUrl() == null) {
            // none runs: the last one that ended (a finished job, a crashed task waiting out its backoff)
            task = access.reads().lastEndedTask(ResourceKey.parse(resource), instance);
        }
        if (task == null) {
            return ApiErrors.of(404, resource + " instance " + instance + " has no running task with a known sandbox,"
                    + " and the leading operator keeps no ended one (it keeps those that ended while it led)");
        }
        String url = task.agentUrl() + "/files/read?path=" + URLEncoder.encode(task.sandbox() + "/" + file, StandardCharsets.UTF_8)
                + "&offset=" + offset + "&length=" + Math.min(length, 1 << 20);
        try {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() != 200) {
                return reply.statusCode() == 404
                        ? ApiErrors.of(404, "task " + task.taskId() + " has no " + file + " in its sandbox (or the agent"
                                + " has removed the sandbox)")
                        : ApiErrors.of(502, "agent " + task.agentId() + " answered " + reply.statusCode() + " for " + file);
            }
            ObjectNode out = (ObjectNode) json.readTree(reply.body());
            out.put("taskId", task.taskId());
            out.put("taskState", task.state());
            out.put("file", file);
            return Response.ok(out).build();
        } catch (Exception e) {
            return ApiErrors.of(502, "cannot read " + file + " from agent " + task.agentId() + ": " + e.getMessage());
        }
    }

    /**
     * The file as a normalized path inside the sandbox when it is a log: stdout, stderr, a *.log
     * file or a file under a logs directory; else null. Only logs: a sandbox also holds what the
     * operator rendered for the task, such as Cassandra's JMX password file, which no API shows.
     */
    static String logFile(String file) {
        if (file == null || file.isBlank()) {
            return null;
        }
        try {
            java.nio.file.Path path = java.nio.file.Path.of(file).normalize();
            if (path.isAbsolute() || path.toString().isEmpty() || path.startsWith("..")) {
                return null;
            }
            String name = path.getFileName().toString();
            boolean log = path.getNameCount() == 1 && (name.equals("stdout") || name.equals("stderr")) || name.endsWith(".log");
            for (int i = 0; i < path.getNameCount() - 1; i++) {
                log |= path.getName(i).toString().equals("logs");
            }
            return log ? path.toString() : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }
}
