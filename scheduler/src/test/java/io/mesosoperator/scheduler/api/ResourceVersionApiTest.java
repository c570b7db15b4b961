package io.mesosoperator.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.mesosoperator.local.EmbeddedZooKeeper;
import io.mesosoperator.scheduler.events.WatchHub;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
import io.mesosoperator.scheduler.mesos.FrameworkIdentity;
import io.mesosoperator.scheduler.metrics.OperatorMetrics;
import io.mesosoperator.scheduler.operator.Operator;
import io.mesosoperator.scheduler.placement.TaskFactory;
import io.mesosoperator.scheduler.service.ServiceReconciler;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecValidator;
import io.mesosoperator.scheduler.state.ZkReads;
import io.mesosoperator.scheduler.state.ZkStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optimistic concurrency through /v1/resources on the leading operator (its control loop running,
 * no Mesos master: pods wait for offers, and statuses are written as they would be): every read
 * carries metadata.resourceVersion; a write based on a stale one answers 409 naming the current
 * one and changes nothing; concurrent writers lose no accepted change.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ResourceVersionApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static EmbeddedZooKeeper zk;
    static ZkStore store;
    static Operator operator;

    final ResourceExtension api = ResourceExtension.builder()
            .addResource(() -> new ResourcesApi(new OperatorAccess(() -> operator, new ZkReads(store), Optional::empty),
                    new SpecValidator(List.of(ServiceReconciler.KIND)), JSON))
            .build();

    @BeforeAll
    static void leadingOperator() throws Exception {
        zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
        store = new ZkStore(zk.connectString(), "/resource-versions");
        store.start();
        OperatorMetrics metrics = new OperatorMetrics(new PrometheusRegistry(), List.of("Service"), () -> operator, () -> true);
        operator = new Operator(store.beginTerm(() -> { }), List.of(new ServiceReconciler(RecoveryPolicy.DEFAULT)),
                new TaskFactory.ExecutorSettings("java", "file:///executor.jar", 0.1, 32), new FrameworkIdentity("test", "*", null),
                metrics, new WatchHub(), Clock.systemUTC());
        operator.start(null); // no master: nothing launches, the loop reconciles and writes statuses all the same
    }

    @AfterAll
    static void stop() {
        operator.close();
        store.close();
        zk.close();
    }

    private static String service(String name, String command, String resourceVersion) {
        return "apiVersion: mesos-operator.io/v1\n"
                + "kind: Service\n"
                + "metadata:\n"
                + "  name: " + name + "\n"
                + (resourceVersion == null ? "" : "  resourceVersion: \"" + resourceVersion + "\"\n")
                + "spec:\n"
                + "  instances: 1\n"
                + "  command: " + command + "\n";
    }

    private Response apply(String yaml) {
        return api.target("/v1/resources").request().post(Entity.entity(yaml, "application/yaml"));
    }

    private JsonNode get(String name) {
        Response r = api.target("/v1/resources/Service/" + name).request().get();
        assertThat(r.getStatus()).isEqualTo(200);
        return r.readEntity(JsonNode.class);
    }

    private static String version(JsonNode resource) {
        return resource.path("metadata").path("resourceVersion").asText(null);
    }

    /** The resource once its status for the current generation is stored and nothing more is on its way. */
    private JsonNode settled(String name) {
        ResourceKey key = new ResourceKey("Service", name);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            long generation = operator.resource(key).generation();
            var stored = store.loadStatus(key).orElse(null);
            return stored != null && stored.observedGeneration() == generation && stored.equals(operator.status(key));
        });
        return get(name);
    }

    private static String firstError(Response response) {
        JsonNode error = response.readEntity(JsonNode.class).path("errors").get(0);
        return error.path("path").asText() + ": " + error.path("message").asText()
                + (error.has("line") ? " (line " + error.path("line").asInt() + ")" : "");
    }

    private String storedSpecNode(String name) throws Exception {
        return new String(store.client().getData().forPath(store.root() + "/resources/Service/" + name), StandardCharsets.UTF_8);
    }

    @Test
    void aStaleResourceVersionIs409NamingTheCurrentOneAndChangesNothing() throws Exception {
        assertThat(apply(service("stale", "sleep 100", null)).getStatus()).isEqualTo(201);
        String readFirst = version(settled("stale"));
        assertThat(apply(service("stale", "sleep 200", null)).getStatus()).isEqualTo(200); // someone else's change
        JsonNode current = settled("stale");

        Response refused = apply(service("stale", "sleep 300", readFirst));
        assertThat(refused.getStatus()).isEqualTo(409);
        assertThat(firstError(refused)).isEqualTo("metadata.resourceVersion: Service/stale has changed since resourceVersion \""
                + readFirst + "\": the current resourceVersion is \"" + version(current)
                + "\"; nothing was changed (read it again, redo the change and retry) (line 5)");

        Response delete = api.target("/v1/resources/Service/stale").queryParam("resourceVersion", readFirst).request().delete();
        assertThat(delete.getStatus()).isEqualTo(409);
        Response pause = api.target("/v1/resources/Service/stale/plan/pause").queryParam("resourceVersion", readFirst).request()
                .post(Entity.json(""));
        assertThat(pause.getStatus()).isEqualTo(409);
        Response rollback = api.target("/v1/resources/Service/stale/rollback").queryParam("resourceVersion", readFirst).request()
                .post(Entity.json(""));
        assertThat(rollback.getStatus()).isEqualTo(409);

        JsonNode after = get("stale");
        assertThat(after.path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(after.path("spec").path("command").asText()).isEqualTo("sleep 200");
        assertThat(after.path("status").path("plan").path("paused").asBoolean()).isFalse();
        assertThat(version(after)).isEqualTo(version(current));
        assertThat(api.target("/v1/resources/Service/stale/history").request().get().readEntity(JsonNode.class).path("items"))
                .hasSize(2);
    }

    @Test
    void theCurrentResourceVersionIsAcceptedAndTheAnswerCarriesANewOne() throws Exception {
        Response created = apply(service("current", "sleep 100", null));
        assertThat(created.getStatus()).isEqualTo(201);
        assertThat(version(created.readEntity(JsonNode.class))).isNotBlank();
        String read = version(settled("current"));

        Response accepted = apply(service("current", "sleep 200", read));
        assertThat(accepted.getStatus()).isEqualTo(200);
        JsonNode body = accepted.readEntity(JsonNode.class);
        assertThat(body.path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(version(body)).isNotBlank().isNotEqualTo(read);
        assertThat(storedSpecNode("current")).as("never stored in the spec").doesNotContain("resourceVersion")
                .contains("sleep 200");

        String beforePause = version(settled("current"));
        assertThat(api.target("/v1/resources/Service/current/plan/pause").queryParam("resourceVersion", beforePause).request()
                .post(Entity.json("")).getStatus()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> get("current").path("status").path("plan").path("paused").asBoolean());
        String paused = version(settled("current"));
        assertThat(api.target("/v1/resources/Service/current").queryParam("resourceVersion", paused).request().delete()
                .getStatus()).isEqualTo(200);
        assertThat(api.target("/v1/resources/Service/current").request().get().getStatus()).isEqualTo(404);
    }

    @Test
    void aStatusWriteAloneChangesTheResourceVersion() {
        assertThat(apply(service("status", "sleep 100", null)).getStatus()).isEqualTo(201);
        String before = version(settled("status"));
        // pausing the plan changes no spec; the loop shows it in the status (status.plan.paused)
        assertThat(api.target("/v1/resources/Service/status/plan/pause").request().post(Entity.json("")).getStatus())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> get("status").path("status").path("plan").path("paused").asBoolean());
        JsonNode after = settled("status");

        assertThat(after.path("metadata").path("generation").asLong()).isEqualTo(1);
        assertThat(version(after)).isNotEqualTo(before);
        Response stale = apply(service("status", "sleep 200", before));
        assertThat(stale.getStatus()).isEqualTo(409);
        assertThat(firstError(stale)).contains("the current resourceVersion is \"" + version(after) + "\"");
    }

    /** One update's answer: the HTTP status, the change, the generation and command stored. */
    private record Answer(int status, String change, long generation, String command) {}

    @Test
    void concurrentWritersLoseNoAcceptedUpdateAndTheLastAcceptedIsStored() throws Exception {
        List<String> names = List.of("busy-a", "busy-b");
        for (String name : names) {
            assertThat(apply(service(name, "sleep 1", null)).getStatus()).isEqualTo(201);
        }
        int threads = 6;
        int updates = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            writers.add(pool.submit(() -> {
                for (int u = 0; u < updates; u++) {
                    String name = names.get((thread + u) % names.size());
                    // even threads read before they write and send the version read; odd ones send none
                    String read = thread % 2 == 0 ? version(get(name)) : null;
                    String command = "sleep " + (1000 + thread * 100 + u); // every update changes the spec
                    Response r = apply(service(name, command, read));
                    JsonNode body = r.readEntity(JsonNode.class);
                    answers.add(new Answer(r.getStatus(), body.path("change").asText(null),
                            body.path("metadata").path("generation").asLong(), name + ": " + command));
                    if (r.getStatus() == 409) {
                        assertThat(body.path("errors").get(0).path("message").asText()).contains("the current resourceVersion is");
                    }
                }
            }));
        }
        for (Future<?> writer : writers) {
            writer.get();
        }
        pool.shutdown();

        assertThat(answers).hasSize(threads * updates).allSatisfy(a -> assertThat(a.status()).isIn(200, 409));
        assertThat(answers).filteredOn(a -> a.status() == 200).isNotEmpty()
                .allSatisfy(a -> assertThat(a.change()).isNotEqualTo("unchanged"));
        for (String name : names) {
            List<Answer> accepted = answers.stream().filter(a -> a.status() == 200 && a.command().startsWith(name + ":")).toList();
            JsonNode stored = get(name);
            assertThat(stored.path("metadata").path("generation").asLong()).as(name + ": 1 + every accepted change")
                    .isEqualTo(1 + accepted.size());
            assertThat(accepted).extracting(Answer::generation).as("each accepted change has a generation of its own")
                    .doesNotHaveDuplicates();
            Answer last = accepted.stream().max(java.util.Comparator.comparingLong(Answer::generation)).orElseThrow();
            assertThat(name + ": " + stored.path("spec").path("command").asText()).isEqualTo(last.command());
            assertThat(storedSpecNode(name)).contains(Objects.requireNonNull(last.command()).substring(name.length() + 2));
        }
    }
}
