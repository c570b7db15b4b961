package io.mesosoperator.scheduler.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the operator's configuration file from an optional user file plus command-line flags,
 * so `server --master URL --zk CONNECT` and the embedded mode need no file at all.
 */
public final class ServerConfig {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final ObjectNode root;

    private ServerConfig(ObjectNode root) {
        this.root = root;
    }

    public static ServerConfig from(Path userFile) throws IOException {
        if (userFile == null) {
            return new ServerConfig(YAML.createObjectNode());
        }
        JsonNode tree = YAML.readTree(userFile.toFile());
        if (tree != null && !tree.isObject()) {
            throw new IOException(userFile + ": expected a YAML mapping");
        }
        return new ServerConfig(tree == null ? YAML.createObjectNode() : (ObjectNode) tree);
    }

    public ServerConfig set(String dottedPath, Object value) {
        if (value == null) {
            return this;
        }
        String[] parts = dottedPath.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.has(parts[i]) && node.get(parts[i]).isObject() ? (ObjectNode) node.get(parts[i]) : node.putObject(parts[i]);
        }
        node.set(parts[parts.length - 1], YAML.valueToTree(value));
        return this;
    }

    /** Lets a group of options add what it sets. */
    public ServerConfig apply(java.util.function.UnaryOperator<ServerConfig> options) {
        return options.apply(this);
    }

    /** API and admin connectors on a host and ports (0 = any free port). */
    public ServerConfig ports(String host, Integer apiPort, Integer adminPort) {
        if (apiPort != null) {
            connector("applicationConnectors", host, apiPort);
        }
        if (adminPort != null) {
            connector("adminConnectors", host, adminPort);
        }
        return this;
    }

    /**
     * The API connector's address and port where given (null keeps the file's, else 127.0.0.1:8080);
     * the rest of a connector the file declares (https, timeouts) stays.
     */
    public ServerConfig api(String host, Integer port) {
        return amend("applicationConnectors", host, port, 8080);
    }

    /**
     * The admin connector's port where given; it stays on the file's address, else on 127.0.0.1: its
     * tasks change the running operator (log levels) and its metrics are for a local collector.
     */
    public ServerConfig admin(Integer port) {
        return amend("adminConnectors", null, port, 8081);
    }

    private ServerConfig amend(String name, String host, Integer port, int defaultPort) {
        if (host == null && port == null) {
            return this;
        }
        JsonNode declared = root.path("server").path(name).path(0);
        ObjectNode connector = declared.isObject() ? (ObjectNode) declared : connector(name, "127.0.0.1", defaultPort);
        if (host != null) {
            connector.put("bindHost", host);
        }
        if (port != null) {
            connector.put("port", port);
        }
        return this;
    }

    private ObjectNode connector(String name, String host, int port) {
        ObjectNode server = root.has("server") ? (ObjectNode) root.get("server") : root.putObject("server");
        ArrayNode connectors = server.putArray(name);
        return connectors.addObject().put("type", "http").put("bindHost", host).put("port", port);
    }

    /** Console at INFO, plus a rolling file when {@code logFile} is given; chatty libraries at WARN. */
    public ServerConfig logging(Path logFile, boolean console) {
        ObjectNode logging = root.putObject("logging");
        logging.put("level", "INFO");
        ObjectNode loggers = logging.putObject("loggers");
        for (String quiet : new String[] {"org.apache.zookeeper", "org.apache.curator", "org.eclipse.jetty", "io.dropwizard",
                "org.glassfish", "org.hibernate.validator"}) {
            loggers.put(quiet, "WARN");
        }
        ArrayNode appenders = logging.putArray("appenders");
        if (console) {
            appenders.addObject().put("type", "console").put("logFormat", "%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n");
        }
        if (logFile != null) {
            file(appenders.addObject(), logFile);
        }
        // HTTP access log: into a file beside the operator log, never onto the console
        ObjectNode server = root.has("server") ? (ObjectNode) root.get("server") : root.putObject("server");
        ArrayNode access = server.putObject("requestLog").putArray("appenders");
        if (logFile != null) {
            file(access.addObject(), logFile.resolveSibling("access.log"));
        }
        return this;
    }

    private static void file(ObjectNode appender, Path logFile) {
        appender.put("type", "file")
                .put("currentLogFilename", logFile.toString())
                .put("archivedLogFilenamePattern", logFile.toString().replace(".log", "") + "-%d.log.gz")
                .put("archivedFileCount", 5);
    }

    public Path write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        YAML.writeValue(file.toFile(), root);
        return file;
    }
}
