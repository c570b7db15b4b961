package io.mesosoperator.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.mesosoperator.scheduler.autoscale.HorizontalScaler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The kubectl-like client: apply, get, describe, delete. A thin layer over the REST API. */
public final class ClientCommands {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private ClientCommands() {}

    /** --server, shared by every client command. */
    abstract static class ClientCommand implements Callable<Integer> {
        @Option(names = "--server", defaultValue = "${env:MESOS_OPERATOR_SERVER:-http://127.0.0.1:8080}",
                description = "Operator API URL (default: $MESOS_OPERATOR_SERVER or http://127.0.0.1:8080).")
        String server;

        @Option(names = "--token", defaultValue = "${env:MESOS_OPERATOR_TOKEN}",
                description = "Bearer token for operators that require one (default: $MESOS_OPERATOR_TOKEN).")
        String token;

        PrintStream out = System.out;
        PrintStream err = System.err;

        @Override
        public final Integer call() {
            try {
                return execute(new ApiClient(server, token));
            } catch (ApiClient.CliException e) {
                err.println("error: " + e.getMessage());
                return 1;
            }
        }

        abstract int execute(ApiClient api);

        /** Prints the API's error list; returns the exit code 1. */
        int fail(String prefix, ApiClient.Reply reply) {
            for (JsonNode e : reply.body().path("errors")) {
                StringBuilder line = new StringBuilder(prefix);
                if (e.has("line")) {
                    line.append(e.get("line").asInt()).append(':');
                    if (e.has("column")) {
                        line.append(e.get("column").asInt()).append(':');
                    }
                    line.append(' ');
                } else if (!prefix.isEmpty()) {
                    line.append(' ');
                }
                String path = e.path("path").asText("");
                line.append(path.isEmpty() ? "" : path + ": ").append(e.path("message").asText());
                err.println(line);
            }
            if (!reply.body().has("errors")) {
                err.println(prefix + " error: HTTP " + reply.status() + " " + reply.body());
            }
            if (reply.status() == 409) {
                err.println((prefix.isEmpty() ? "" : prefix + " ") + "conflict: someone changed it since the resourceVersion"
                        + " you sent was read, and nothing was changed; read it again (`get KIND NAME -o yaml`), redo your"
                        + " change and retry");
            }
            return 1;
        }
    }

    /** --resource-version for the writes that are not an apply: the write happens only if it is still current. */
    abstract static class ConditionalCommand extends ResourceCommand {
        @Option(names = "--resource-version", description = "Only if the resource is still at this metadata.resourceVersion"
                + " (from `get -o yaml`); refused with a conflict, changing nothing, otherwise.")
        String resourceVersion;

        /** "?resourceVersion=..." when one was given, else "". */
        String condition() {
            return resourceVersion == null ? "" : "?resourceVersion=" + ApiClient.encode(resourceVersion);
        }
    }

    /** A command about one resource: KIND NAME. */
    abstract static class ResourceCommand extends ClientCommand {
        @Parameters(index = "0", description = "Kind, e.g. Service (any case).")
        String kind;

        @Parameters(index = "1", description = "Name.")
        String name;

        String path() {
            return path(kind, name);
        }

        static String path(String kind, String name) {
            return "/v1/resources/" + ApiClient.encode(kind) + "/" + ApiClient.encode(name);
        }

        int podVerb(ApiClient api, String verb, Integer instance) {
            ApiClient.Reply reply = api.post(path() + "/" + verb + (instance == null ? "" : "?instance=" + instance),
                    "application/json", "");
            if (!reply.ok()) {
                return fail("", reply);
            }
            out.println(kind.toLowerCase(Locale.ROOT) + "/" + name + " " + reply.body().path("action").asText()
                    + " (instance " + reply.body().path("instance").asText() + ", " + reply.body().path("tasksKilled").asInt()
                    + " task(s) stopped)");
            return 0;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Create or update resources from YAML/JSON files (one resource per file).",
                    "With a directory: its *.yaml, *.yml and *.json files (not its subdirectories), each resource after"
                            + " the resources it references (valueFrom); references in a cycle are refused, nothing applied.",
                    "A file with metadata.resourceVersion (as `get -o yaml` prints it) is applied only if the resource"
                            + " is still at that version."})
    public static final class Apply extends ClientCommand {
        @Option(names = {"-f", "--filename"}, required = true, description = "A file, or a directory of *.yaml, *.yml, *.json.")
        Path file;

        @Override
        int execute(ApiClient api) {
            int code = 0;
            for (SpecFiles.SpecFile f : SpecFiles.read(file, "apply")) {
                if (f.unreadable() != null) {
                    err.println(f.path() + ": " + f.unreadable());
                    code = 1;
                    continue;
                }
                ApiClient.Reply reply = api.post("/v1/resources", f.contentType(), f.text());
                if (!reply.ok()) {
                    code = fail(f.path() + ":", reply);
                    continue;
                }
                JsonNode r = reply.body();
                out.println(r.path("kind").asText().toLowerCase(Locale.ROOT) + "/" + r.path("metadata").path("name").asText()
                        + " " + r.path("change").asText() + " (generation " + r.path("metadata").path("generation").asLong() + ")");
            }
            return code;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "List resources (all, of a KIND, or one), or `get tasks [KIND/NAME]`.")
    public static final class Get extends ClientCommand {
        @Parameters(index = "0", arity = "0..1", description = "A kind (Service, ...) or `tasks`.")
        String kind;

        @Parameters(index = "1", arity = "0..1", description = "A resource name.")
        String name;

        @Option(names = {"-o", "--output"}, description = "yaml or json instead of a table.")
        String output;

        @Override
        int execute(ApiClient api) {
            if ("tasks".equalsIgnoreCase(kind)) {
                return tasks(api);
            }
            ApiClient.Reply reply = name != null ? api.get("/v1/resources/" + ApiClient.encode(kind) + "/" + ApiClient.encode(name))
                    : api.get("/v1/resources" + (kind != null ? "?kind=" + ApiClient.encode(kind) : ""));
            if (!reply.ok()) {
                return fail("", reply);
            }
            if (output != null) {
                return print(reply.body());
            }
            List<JsonNode> items = new ArrayList<>();
            if (name != null) {
                items.add(reply.body());
            } else {
                reply.body().path("items").forEach(items::add);
            }
            if (items.isEmpty()) {
                out.println("No resources found.");
                return 0;
            }
            Table table = new Table("KIND", "NAME", "READY", "PHASE", "GENERATION", "AGE");
            for (JsonNode r : items) {
                JsonNode status = r.path("status");
                long generation = r.path("metadata").path("generation").asLong();
                String gen = status.has("observedGeneration") && status.get("observedGeneration").asLong() != generation
                        ? generation + " (observed " + status.get("observedGeneration").asLong() + ")" : Long.toString(generation);
                table.row(r.path("kind").asText(), r.path("metadata").path("name").asText(),
                        status.path("readyReplicas").asInt() + "/" + status.path("replicas").asInt(r.path("spec").path("instances").asInt()),
                        status.path("phase").asText("Pending"), gen, age(r.path("metadata").path("creationTimestamp").asText(null)));
            }
            table.print(out, "");
            return 0;
        }

        private int tasks(ApiClient api) {
            ApiClient.Reply reply = api.get("/v1/tasks" + (name != null ? "?resource=" + ApiClient.encode(name) : ""));
            if (!reply.ok()) {
                return fail("", reply);
            }
            if (output != null) {
                return print(reply.body());
            }
            Table table = new Table("TASK", "RESOURCE", "INSTANCE", "STATE", "HEALTHY", "AGENT", "AGE");
            for (JsonNode t : reply.body().path("items")) {
                table.row(t.path("taskId").asText(), t.path("resource").asText(), t.path("instance").asInt(),
                        t.path("state").asText(), t.has("healthy") ? t.get("healthy").asText() : "-",
                        t.path("agentId").asText("-"), age(t.path("launchedAt").asText(null)));
            }
            if (table.size() == 0) {
                out.println("No tasks found.");
            } else {
                table.print(out, "");
            }
            return 0;
        }

        private int print(JsonNode body) {
            try {
                out.print("json".equalsIgnoreCase(output) ? ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n"
                        : YAML.writeValueAsString(body));
                return 0;
            } catch (IOException e) {
                throw new ApiClient.CliException(e.getMessage());
            }
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Show a resource in detail: status, conditions, instances, tasks, recent events.")
    public static final class Describe extends ResourceCommand {
        @Override
        int execute(ApiClient api) {
            ApiClient.Reply reply = api.get(path());
            if (!reply.ok()) {
                return fail("", reply);
            }
            JsonNode r = reply.body();
            JsonNode meta = r.path("metadata");
            JsonNode status = r.path("status");
            out.println("Name:         " + meta.path("name").asText());
            out.println("Kind:         " + r.path("kind").asText());
            List<String> labels = new ArrayList<>();
            meta.path("labels").fields().forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
            out.println("Labels:       " + (labels.isEmpty() ? "<none>" : String.join(",", labels)));
            out.println("Created:      " + meta.path("creationTimestamp").asText() + " (" + age(meta.path("creationTimestamp").asText(null)) + " ago)");
            out.println("Generation:   " + meta.path("generation").asLong() + " (observed " + status.path("observedGeneration").asText("-") + ")");
            out.println("Phase:        " + status.path("phase").asText("Pending"));
            out.println("Ready:        " + status.path("readyReplicas").asInt() + "/" + status.path("replicas").asInt());
            out.println("Conditions:");
            Table conditions = new Table("TYPE", "STATUS", "REASON", "SINCE", "MESSAGE");
            status.path("conditions").forEach(c -> conditions.row(c.path("type").asText(), c.path("status").asText(),
                    c.path("reason").asText(), age(c.path("lastTransitionTime").asText(null)), c.path("message").asText()));
            conditions.print(out, "  ");
            out.println("Instances:");
            Table instances = new Table("#", "STATE", "READY", "RESTARTS", "AGENT", "TASK", "LAST EXIT");
            status.path("instances").forEach(i -> instances.row(i.path("instance").asInt(), i.path("state").asText("-"),
                    i.path("ready").asBoolean(), i.path("restarts").asInt(), i.path("agentId").asText("-"),
                    i.path("taskId").asText("-"), i.path("lastExit").asText("-")));
            instances.print(out, "  ");
            if (status.path("workload").has("runs")) {
                // a job kind (SparkJob): its runs, each with its attempts
                out.println("Runs:");
                Table runs = new Table("RUN", "STATE", "ATTEMPTS", "APPLICATION", "STARTED", "ENDED", "LAST EXIT");
                status.path("workload").path("runs").forEach(run -> runs.row(run.path("run").asInt(),
                        run.path("state").asText(), run.path("attempts").asInt(), run.path("applicationId").asText("-"),
                        age(run.path("startTime").asText(null)), age(run.path("endTime").asText(null)),
                        run.path("lastExit").asText("-")));
                runs.print(out, "  ");
            }
            sparkDetails(status.path("workload"));
            JsonNode autoscale = status.path("autoscale");
            if (autoscale.isObject()) {
                // the autoscaler's last decision and why (spec.autoscale)
                out.println("Autoscale:");
                JsonNode value = autoscale.path("value");
                out.println("  Metric:     " + autoscale.path("metric").asText() + ", target "
                        + HorizontalScaler.num(autoscale.path("target").asDouble())
                        + ", now " + (value.isNumber() ? HorizontalScaler.num(value.asDouble()) : "-"));
                out.println("  Replicas:   " + autoscale.path("currentReplicas").asInt() + " -> "
                        + autoscale.path("desiredReplicas").asInt() + " (" + autoscale.path("reason").asText() + ")");
                out.println("  Why:        " + autoscale.path("message").asText());
                out.println("  Last scale: " + (autoscale.has("lastScaleTime")
                        ? autoscale.path("lastScaleTime").asText() + " (" + age(autoscale.path("lastScaleTime").asText()) + " ago)"
                        : "never"));
            }
            ApiClient.Reply tasks = api.get("/v1/tasks?resource=" + ApiClient.encode(r.path("kind").asText() + "/" + name));
            out.println("Tasks:");
            Table taskTable = new Table("TASK", "STATE", "HEALTHY", "SANDBOX");
            tasks.body().path("items").forEach(t -> taskTable.row(t.path("taskId").asText(), t.path("state").asText(),
                    t.has("healthy") ? t.get("healthy").asText() : "-", t.path("sandbox").asText("-")));
            taskTable.print(out, "  ");
            out.println("Spec:");
            try {
                YAML.writeValueAsString(r.path("spec")).lines().forEach(l -> out.println("  " + l));
            } catch (IOException e) {
                throw new ApiClient.CliException(e.getMessage());
            }
            ApiClient.Reply events = api.get(path() + "/events");
            out.println("Events:");
            Table eventTable = new Table("AGE", "TYPE", "REASON", "MESSAGE");
            events.body().path("items").forEach(e -> eventTable.row(age(e.path("time").asText(null)), e.path("type").asText(),
                    e.path("reason").asText(), e.path("message").asText()));
            eventTable.print(out, "  ");
            return 0;
        }

        /** A SparkJob's application, its UI while the driver runs, and the executors of its latest run that had any. */
        private void sparkDetails(JsonNode workload) {
            if (workload.has("applicationId")) {
                out.println("Application:  " + workload.get("applicationId").asText());
            }
            if (workload.has("sparkUi")) {
                out.println("Spark UI:     " + workload.get("sparkUi").asText());
            }
            if (!workload.has("executors")) {
                return;
            }
            out.println("Executors:");
            Table executors = new Table("ID", "STATE", "AGENT", "CORES", "MEMORY", "TASK", "MESSAGE");
            workload.get("executors").forEach(e -> executors.row(e.path("id").asText(), e.path("state").asText(),
                    e.path("agent").asText("-"), e.path("cores").asInt(), e.path("memory").asText("-"),
                    e.path("task").asText("-"), e.path("message").asText("")));
            executors.print(out, "  ");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a resource (KIND NAME), or the resources of a file or directory (-f); their tasks are killed.",
                    "With a directory: those of its *.yaml, *.yml and *.json files, the resources that reference"
                            + " others first (the reverse of apply's order)."})
    public static final class Delete extends ClientCommand {
        @Parameters(index = "0", arity = "0..1", description = "Kind, e.g. Service (any case).")
        String kind;

        @Parameters(index = "1", arity = "0..1", description = "Name.")
        String name;

        @Option(names = {"-f", "--filename"}, description = "A file, or a directory of *.yaml, *.yml, *.json.")
        Path file;

        @Option(names = "--resource-version", description = "With KIND NAME: only if the resource is still at this"
                + " metadata.resourceVersion (from `get -o yaml`); refused with a conflict, changing nothing, otherwise.")
        String resourceVersion;

        @Override
        int execute(ApiClient api) {
            if ((file == null) == (kind == null || name == null) || (file != null && kind != null)) {
                throw new ApiClient.CliException("give either KIND NAME or -f FILE|DIRECTORY");
            }
            if (file == null) {
                return delete(api, kind, name, resourceVersion == null ? ""
                        : "?resourceVersion=" + ApiClient.encode(resourceVersion));
            }
            List<SpecFiles.SpecFile> files = new ArrayList<>(SpecFiles.read(file, "delete"));
            java.util.Collections.reverse(files); // what references others goes before what it references
            int code = 0;
            for (SpecFiles.SpecFile f : files) {
                if (f.key() == null) {
                    err.println(f.path() + ": " + (f.unreadable() != null ? f.unreadable() : "no kind and metadata.name to delete"));
                    code = 1;
                } else if (delete(api, f.key().kind(), f.key().name(), "") != 0) {
                    code = 1;
                }
            }
            return code;
        }

        private int delete(ApiClient api, String kindName, String resourceName, String condition) {
            ApiClient.Reply reply = api.delete(ResourceCommand.path(kindName, resourceName) + condition);
            if (!reply.ok()) {
                return fail("", reply);
            }
            out.println(reply.body().path("kind").asText().toLowerCase(Locale.ROOT) + "/" + resourceName + " deleted");
            return 0;
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "List the kept generations of a resource's spec (the last 10), newest last.")
    public static final class History extends ResourceCommand {
        @Override
        int execute(ApiClient api) {
            ApiClient.Reply reply = api.get(path() + "/history");
            if (!reply.ok()) {
                return fail("", reply);
            }
            Table table = new Table("GENERATION", "APPLIED", "CHANGE", "SPEC");
            for (JsonNode h : reply.body().path("items")) {
                table.row(h.path("generation").asLong(), age(h.path("appliedAt").asText(null)) + " ago",
                        h.path("change").asText(), h.path("resource").path("spec").toString());
            }
            table.print(out, "");
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Apply an earlier generation's spec again, as a new generation (default: the previous one).")
    public static final class Rollback extends ResourceCommand {
        @Option(names = "--to-generation", description = "The generation to go back to (see `history`).")
        Long generation;

        @Override
        int execute(ApiClient api) {
            ApiClient.Reply reply = api.post(path() + "/rollback" + (generation != null ? "?toGeneration=" + generation : ""),
                    "application/json", "");
            if (!reply.ok()) {
                return fail("", reply);
            }
            JsonNode r = reply.body();
            out.println(r.path("kind").asText().toLowerCase(Locale.ROOT) + "/" + name + " rolled back to generation "
                    + r.path("rolledBackTo").asLong() + " (" + r.path("change").asText() + ", now generation "
                    + r.path("metadata").path("generation").asLong() + ")");
            return 0;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "Print a log of an instance's sandbox (stdout unless --stderr or --file); -f follows it.")
    public static final class Logs extends ResourceCommand {
        @Parameters(index = "2", arity = "0..1", defaultValue = "0", description = "Instance number (default: 0).")
        int instance;

        @Option(names = {"-f", "--follow"}, description = "Keep printing what is appended.")
        boolean follow;

        @Option(names = "--stderr", description = "Print stderr instead of stdout.")
        boolean stderr;

        @Option(names = "--file", paramLabel = "PATH",
                description = "Print this log of the sandbox instead: a *.log file, or one under a logs directory"
                        + " (e.g. logs/server.log).")
        String file;

        @Option(names = "--tail", defaultValue = "16384", description = "Start this many bytes before the end (default: ${DEFAULT-VALUE}).")
        long tail;

        @Option(names = "--executor", paramLabel = "ID",
                description = "A SparkJob's executor (its Spark id, as `describe` lists them) instead of an instance.")
        String executor;

        @Override
        int execute(ApiClient api) {
            if (stderr && file != null) {
                err.println("logs takes --stderr or --file, not both");
                return 2;
            }
            if (executor != null) {
                if (instance != 0) {
                    err.println("logs takes an instance or --executor, not both");
                    return 2;
                }
                Integer executorInstance = executorInstance(api);
                if (executorInstance == null) {
                    return 1;
                }
                instance = executorInstance;
            }
            String base = path() + "/logs?instance=" + instance + "&file="
                    + ApiClient.encode(file != null ? file : stderr ? "stderr" : "stdout");
            ApiClient.Reply size = api.get(base + "&offset=-1");
            if (!size.ok()) {
                return fail("", size);
            }
            String taskState = size.body().path("taskState").asText("");
            String taskId = size.body().path("taskId").asText("");
            if (!taskState.isEmpty() && io.mesosoperator.scheduler.store.TaskStates.isTerminal(taskState)) {
                err.println("(task " + taskId + " ended: " + taskState + "; these are its files)");
            }
            long offset = Math.max(0, size.body().path("offset").asLong() - tail);
            while (true) {
                ApiClient.Reply chunk = api.get(base + "&offset=" + offset);
                if (!chunk.ok()) {
                    return fail("", chunk);
                }
                String now = chunk.body().path("taskId").asText("");
                if (!now.equals(taskId)) {
                    // another task of the instance now (a relaunch): its files from their start
                    err.println("(now task " + now + ")");
                    taskId = now;
                    offset = 0;
                    continue;
                }
                String data = chunk.body().path("data").asText();
                out.print(data);
                out.flush();
                offset += data.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                if (!follow) {
                    return 0;
                }
                if (data.isEmpty()) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return 0;
                    }
                }
            }
        }

        /** The instance of the executor's task, from the job's status.workload.executors; null (said why) when it has none. */
        private Integer executorInstance(ApiClient api) {
            ApiClient.Reply reply = api.get(path());
            if (!reply.ok()) {
                fail("", reply);
                return null;
            }
            JsonNode executors = reply.body().path("status").path("workload").path("executors");
            List<String> ids = new ArrayList<>();
            for (JsonNode e : executors) {
                ids.add(e.path("id").asText());
                if (!e.path("id").asText().equals(executor)) {
                    continue;
                }
                if (!e.hasNonNull("task") || !e.has("instance")) {
                    err.println("executor " + executor + " has no task yet (" + e.path("state").asText()
                            + (e.hasNonNull("message") ? ": " + e.get("message").asText() : "") + ")");
                    return null;
                }
                return e.get("instance").asInt();
            }
            err.println(kind.toLowerCase(Locale.ROOT) + "/" + name + " has no executor " + executor
                    + (ids.isEmpty() ? " (its current run has no executors)" : "; its current run has " + String.join(", ", ids)));
            return null;
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = "Print resource events, task state changes and status changes as they happen (Ctrl-C stops).")
    public static final class Watch extends ClientCommand {
        @Parameters(index = "0", arity = "0..1", description = "Only this kind.")
        String kind;

        @Parameters(index = "1", arity = "0..1", description = "Only this name.")
        String name;

        @Override
        int execute(ApiClient api) {
            StringBuilder query = new StringBuilder("/v1/events");
            if (kind != null) {
                query.append("?kind=").append(ApiClient.encode(kind));
                if (name != null) {
                    query.append("&name=").append(ApiClient.encode(name));
                }
            }
            Table header = new Table("TIME", "RESOURCE", "KIND", "TYPE", "REASON", "MESSAGE");
            header.print(out, "");
            api.stream(query.toString(), line -> {
                if (!line.startsWith("data: ")) {
                    return;
                }
                try {
                    JsonNode c = ApiClient.JSON.readTree(line.substring(6));
                    out.printf("%-12s %-24s %-7s %-18s %-26s %s%n", c.path("time").asText().replaceAll(".*T(\\d+:\\d+:\\d+).*", "$1"),
                            c.path("resource").asText(), c.path("kind").asText(), c.path("type").asText(),
                            c.path("reason").asText(""), c.path("message").asText(""));
                    out.flush();
                } catch (IOException e) {
                    err.println("unreadable event: " + line);
                }
            });
            return 0;
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Restart all instances, or one, in place (a stateful instance keeps its agent and volume).")
    public static final class Restart extends ResourceCommand {
        @Parameters(index = "2", arity = "0..1", description = "Instance number (default: all).")
        Integer instance;

        @Override
        int execute(ApiClient api) {
            return podVerb(api, "restart", instance);
        }
    }

    @Command(name = "replace", mixinStandardHelpOptions = true,
            description = "Replace one instance: a new place and, if stateful, a new empty volume (the old one is destroyed).")
    public static final class Replace extends ResourceCommand {
        @Parameters(index = "2", description = "Instance number.")
        int instance;

        @Override
        int execute(ApiClient api) {
            return podVerb(api, "replace", instance);
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true,
            description = "Kill a job's current run (e.g. a SparkJob) without a retry; a scheduled job runs again at its next firing.")
    public static final class Kill extends ResourceCommand {
        @Override
        int execute(ApiClient api) {
            ApiClient.Reply reply = api.post(path() + "/kill", "application/json", "");
            if (!reply.ok()) {
                return fail("", reply);
            }
            out.println(kind.toLowerCase(Locale.ROOT) + "/" + name + " killed (" + reply.body().path("tasksKilled").asInt()
                    + " task(s) stopped)");
            return 0;
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = {"Show the deploy plan: a step per instance, and what each waiting step waits for.",
                    "plan pause|continue|restart KIND NAME steer it."},
            subcommands = {PlanPause.class, PlanContinue.class, PlanRestart.class})
    public static final class Plan extends ClientCommand {
        // optional here (picocli checks a parent's required parameters even when a subcommand runs)
        @Parameters(index = "0", arity = "0..1", description = "Kind, e.g. Service (any case).")
        String kind;

        @Parameters(index = "1", arity = "0..1", description = "Name.")
        String name;

        @Override
        int execute(ApiClient api) {
            if (kind == null || name == null) {
                err.println("plan needs KIND NAME (or: plan pause|continue|restart KIND NAME)");
                return 2;
            }
            ApiClient.Reply reply = api.get(ResourceCommand.path(kind, name) + "/plan");
            if (!reply.ok()) {
                return fail("", reply);
            }
            JsonNode plan = reply.body();
            out.println("Plan " + plan.path("name").asText() + " (" + plan.path("status").asText()
                    + (plan.path("paused").asBoolean() ? ", paused by the user" : "") + ")");
            for (JsonNode phase : plan.path("phases")) {
                out.println("  Phase " + phase.path("name").asText() + " (" + phase.path("strategy").asText() + ", "
                        + phase.path("status").asText() + ")");
                Table steps = new Table("STEP", "STATUS", "MESSAGE", "BLOCKED BY");
                phase.path("steps").forEach(s -> steps.row(s.path("name").asText(), s.path("status").asText(),
                        s.path("message").asText(""), s.path("blocker").asText("-")));
                steps.print(out, "    ");
            }
            return 0;
        }
    }

    /** plan pause|continue|restart: one POST to the plan's action. */
    abstract static class PlanControl extends ConditionalCommand {
        private final String action;
        private final String done;

        PlanControl(String action, String done) {
            this.action = action;
            this.done = done;
        }

        @Override
        int execute(ApiClient api) {
            ApiClient.Reply reply = api.post(path() + "/plan/" + action + condition(), "application/json", "");
            if (!reply.ok()) {
                return fail("", reply);
            }
            out.println(kind.toLowerCase(Locale.ROOT) + "/" + name + " plan " + done);
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause the deploy plan: steps under way finish, no new step starts (recovery goes on).")
    public static final class PlanPause extends PlanControl {
        public PlanPause() {
            super("pause", "paused");
        }
    }

    @Command(name = "continue", mixinStandardHelpOptions = true,
            description = "Resume a paused plan; after a canary step, approve its configuration for the other instances.")
    public static final class PlanContinue extends PlanControl {
        public PlanContinue() {
            super("continue", "continued");
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Restart the plan: every instance is redeployed, in the plan's order (canary pauses again).")
    public static final class PlanRestart extends PlanControl {
        public PlanRestart() {
            super("restart", "restarted");
        }
    }

    /** "5s", "3m", "2h", "4d" since an ISO instant. */
    static String age(String since) {
        if (since == null || since.isEmpty()) {
            return "-";
        }
        long s = Math.max(0, Duration.between(Instant.parse(since), Instant.now()).toSeconds());
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172800 ? s / 3600 + "h" : s / 86400 + "d";
    }

    @Command(name = "kubeconfig", mixinStandardHelpOptions = true,
            description = {"Print a kubeconfig for this operator, so kubectl (and other Kubernetes clients) work on its"
                    + " resources: mesos-operator kubeconfig > ~/.kube/mesos-operator; KUBECONFIG=~/.kube/mesos-operator kubectl get mesos.",
                    "Its context's namespace is default, the only one the operator has; with --token the user carries it"
                    + " (kubectl sends tokens over https only). For an https --server the kubeconfig trusts the certificate"
                    + " the operator presents now (its fingerprint is printed on stderr), or the CA of --certificate-authority."})
    public static final class Kubeconfig extends ClientCommand {
        @Option(names = "--name", defaultValue = "mesos-operator",
                description = "Name of the cluster, user and context in the kubeconfig (default: mesos-operator).")
        String name;

        @Option(names = "--certificate-authority", paramLabel = "PEM",
                description = "The CA (PEM) that signed the operator's certificate, to trust instead of the certificate it presents.")
        java.nio.file.Path certificateAuthority;

        @Override
        int execute(ApiClient api) {
            try {
                String ca = null;
                javax.net.ssl.SSLContext tls = null;
                if (server.startsWith("https://")) {
                    java.security.cert.X509Certificate trusted = certificateAuthority != null
                            ? KubeconfigTls.readPem(certificateAuthority) : KubeconfigTls.presented(java.net.URI.create(server));
                    if (certificateAuthority == null) {
                        err.println("trusting the certificate " + server + " presents: " + trusted.getSubjectX500Principal()
                                + ", SHA-256 " + KubeconfigTls.fingerprint(trusted));
                    }
                    ca = KubeconfigTls.pem(trusted);
                    tls = KubeconfigTls.trusting(trusted);
                }
                // the operator must answer as a Kubernetes API: a kubeconfig for anything else would only fail later
                int status = KubeconfigTls.versionStatus(java.net.URI.create(server.replaceAll("/+$", "") + "/version"), tls,
                        token);
                if (status == 401) {
                    err.println("error: " + server + " asks for a token (api.protectReads): give the operator's with --token");
                    return 1;
                }
                if (status != 200) {
                    err.println("error: " + server + " does not answer as the operator's Kubernetes API (/version: " + status + ")");
                    return 1;
                }
                out.print(render(server, token, name, ca));
                return 0;
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                err.println("error: cannot reach " + server + ": " + e.getMessage());
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }

        /** The kubeconfig YAML; every value is JSON-quoted, which YAML reads as it is. */
        static String render(String server, String token, String name, String caPem) {
            String n = quote(name);
            StringBuilder yaml = new StringBuilder();
            yaml.append("apiVersion: v1\nkind: Config\n")
                    .append("clusters:\n- name: ").append(n).append("\n  cluster:\n    server: ")
                    .append(quote(server.replaceAll("/+$", ""))).append('\n');
            if (caPem != null) {
                yaml.append("    certificate-authority-data: ").append(quote(java.util.Base64.getEncoder()
                        .encodeToString(caPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))).append('\n');
            }
            yaml.append("users:\n- name: ").append(n).append("\n  user:");
            yaml.append(token == null || token.isEmpty() ? " {}\n" : "\n    token: " + quote(token) + "\n");
            yaml.append("contexts:\n- name: ").append(n).append("\n  context:\n    cluster: ").append(n)
                    .append("\n    user: ").append(n).append("\n    namespace: default\n")
                    .append("current-context: ").append(n).append('\n');
            return yaml.toString();
        }

        private static String quote(String s) {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
