package io.mesosoperator.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import org.apache.mesos.v1.Protos.AgentID;

/**
 * An agent's sandbox directories and the files API that reads them (/files/read, as
 * src/files/files.cpp), kept together because the API's virtual sandbox paths are only a view of
 * where the sandboxes are made. It keeps no state of its own, so Jetty's threads, the agent's
 * actor and its fetchers all call it directly.
 */
final class AgentFiles {
    /** Where /files serves executor sandboxes without the agent's work directory in the path. */
    static final String VIRTUAL_SANDBOXES = "/frameworks/";

    private final Path workDir;
    /** Known once the agent has registered, after its HTTP server has started. */
    private final Supplier<AgentID> agentId;

    AgentFiles(Path workDir, Supplier<AgentID> agentId) {
        this.workDir = workDir;
        this.agentId = agentId;
    }

    /** The sandbox of one run (container) of an executor, as a Mesos agent's paths::getExecutorRunPath. */
    Path executorRun(String frameworkId, String executorId, String containerId) {
        return workDir.resolve(Path.of("slaves", agentId.get().getValue(), "frameworks",
                frameworkId, "executors", executorId, "runs", containerId));
    }

    /** runs/latest points at the executor's newest run, as a Mesos agent's paths::createExecutorDirectory makes it. */
    static void linkLatestRun(Path sandbox) throws IOException {
        Path latest = sandbox.resolveSibling("latest");
        Files.deleteIfExists(latest);
        Files.createSymbolicLink(latest, sandbox.getFileName());
    }

    /**
     * GET /files/read?path=P&offset=O&length=L: {"data": text, "offset": O} like the Mesos agent's
     * files API; offset -1 answers the file's size; a path outside the agent's directory (links
     * resolved) or a missing file is 404 with an empty body.
     */
    void read(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getParameter("path");
        if (path != null && path.startsWith(VIRTUAL_SANDBOXES)) {
            // the virtual path of an executor's latest run, as the agent attaches it (slave.cpp
            // Framework::addExecutor): /frameworks/FID/executors/EID/runs/latest
            AgentID id = agentId.get();
            if (id == null) {
                Http.text(resp, 404, ""); // not registered yet: no executor has run here
                return;
            }
            path = workDir.resolve("slaves").resolve(id.getValue()) + path;
        }
        Path file = path == null ? null : Path.of(path).toAbsolutePath().normalize();
        // where a link leads counts, not its name: nothing outside the agent's directory is served
        if (file == null || !Files.isRegularFile(file) || !file.toRealPath().startsWith(workDir.toRealPath())) {
            Http.text(resp, 404, "");
            return;
        }
        long size = Files.size(file);
        long offset = parseLong(req.getParameter("offset"), 0);
        if (offset < 0) {
            Http.json(resp, "{\"data\":\"\",\"offset\":" + size + "}");
            return;
        }
        long length = Math.min(parseLong(req.getParameter("length"), size), 1 << 20);
        byte[] data = new byte[0];
        if (offset < size) {
            try (FileChannel ch = FileChannel.open(file)) {
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(length, size - offset));
                ch.read(buf, offset);
                data = Arrays.copyOf(buf.array(), buf.position());
            }
        }
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("data", new String(data, StandardCharsets.UTF_8));
        out.put("offset", offset);
        Http.json(resp, out.toString());
    }

    private static long parseLong(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
