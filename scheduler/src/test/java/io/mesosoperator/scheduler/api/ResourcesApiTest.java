package io.mesosoperator.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.mesosoperator.local.EmbeddedZooKeeper;
import io.mesosoperator.scheduler.service.ServiceReconciler;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.SpecLimits;
import io.mesosoperator.scheduler.spec.SpecValidator;
import io.mesosoperator.scheduler.state.ZkReads;
import io.mesosoperator.scheduler.state.ZkStore;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * /v1/resources over Jersey's in-memory HTTP, on an instance that does not lead: reads come from
 * ZooKeeper (as a follower's do), input is validated before anything else, and every write is
 * refused with 503. What an accepted write does is the end-to-end tests' part.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ResourcesApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GOOD = """
            apiVersion: mesos-operator.io/v1
            kind: Service
            metadata:
              name: web
            spec:
              instances: 2
              command: sleep 1000
            """;

    @TempDir
    static Path dir;
    static EmbeddedZooKeeper zk;
    static ZkStore store;

    static final SpecValidator VALIDATOR = new SpecValidator(List.of(ServiceReconciler.KIND));

    final ResourceExtension api = ResourceExtension.builder()
            .addResource(() -> new ResourcesApi(new OperatorAccess(() -> null, new ZkReads(store), Optional::empty), VALIDATOR, JSON))
            .addProvider(() -> new BodySizeLimit(SpecLimits.DEFAULTS))
            .addProvider(() -> new ResourcePathFilter(VALIDATOR))
            .build();

    @BeforeAll
    static void storeWithOneService() throws Exception {
        zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
        store = new ZkStore(zk.connectString(), "/resources-api");
        store.start();
        Resource stored = null;
        for (long generation = 1; generation <= 2; generation++) {
            ObjectNode doc = JSON.createObjectNode().put("apiVersion", Resource.API_VERSION).put("kind", "Service");
            doc.putObject("metadata").put("name", "stored").put("generation", generation);
            doc.putObject("spec").put("instances", generation).put("command", "sleep 1000");
            stored = store.putResource(new Resource(doc), generation == 1 ? "created" : "scaled", stored, null);
        }
    }

    @AfterAll
    static void stop() {
        store.close();
        zk.close();
    }

    private Response post(String path, String type, String body) {
        return api.target(path).request().post(Entity.entity(body, type));
    }

    private static JsonNode body(Response response) {
        return response.readEntity(JsonNode.class);
    }

    /** The first error of the API's one error shape, as "path: message (line N)". */
    private static String firstError(Response response) {
        JsonNode error = body(response).path("errors").get(0);
        return error.path("path").asText() + ": " + error.path("message").asText()
                + (error.has("line") ? " (line " + error.path("line").asInt() + ")" : "");
    }

    @Test
    void anInvalidSpecIsRefusedWithTheFieldAndLineBeforeLeadershipMatters() {
        Response negative = post("/v1/resources", "application/yaml", GOOD.replace("instances: 2", "instances: -1"));
        assertThat(negative.getStatus()).isEqualTo(422);
        assertThat(firstError(negative)).isEqualTo("spec.instances: must be >= 0 (line 6)");

        Response malformed = post("/v1/resources", "application/yaml", "metadata: [\n");
        assertThat(malformed.getStatus()).isEqualTo(422);
        assertThat(body(malformed).path("errors").get(0).path("line").asInt()).isPositive();

        Response json = post("/v1/resources", "application/json",
                "{\"apiVersion\":\"mesos-operator.io/v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\"},\"spec\":{}}");
        assertThat(json.getStatus()).isEqualTo(422);
        assertThat(firstError(json)).startsWith("spec.command: ");

        Response unknownKind = post("/v1/resources", "application/yaml", GOOD.replace("kind: Service", "kind: Gadget"));
        assertThat(unknownKind.getStatus()).isEqualTo(422);
        assertThat(firstError(unknownKind)).startsWith("kind: ");
    }

    @Test
    void aReferenceThatCannotExistIsRefusedWith422NamingTheField() {
        Response refused = post("/v1/resources", "application/yaml", GOOD
                + "  env: {KAFKA: {valueFrom: {resource: KafkaCluster/events, field: bootstrapServers}}}\n");
        assertThat(refused.getStatus()).isEqualTo(422);
        assertThat(firstError(refused)).isEqualTo("spec.env.KAFKA.valueFrom.resource: unknown kind 'KafkaCluster'"
                + " (known: Service) (line 8)");
        // a resource that does not exist yet is fine: past validation, the write meets the missing leader
        Response waits = post("/v1/resources", "application/yaml", GOOD
                + "  env: {OTHER: {valueFrom: {resource: Service/other, field: endpoints.http}}}\n");
        assertThat(waits.getStatus()).isEqualTo(503);
    }

    @Test
    void writesOnAnInstanceThatDoesNotLeadAreRefusedWith503() {
        Response apply = post("/v1/resources", "application/yaml", GOOD);
        assertThat(apply.getStatus()).isEqualTo(503);
        assertThat(firstError(apply)).isEqualTo(": this operator is not the leader and no leader is elected yet; retry shortly");

        assertThat(api.target("/v1/resources/Service/stored").request().delete().getStatus()).isEqualTo(503);
        assertThat(post("/v1/resources/Service/stored/plan/pause", "application/json", "").getStatus()).isEqualTo(503);
        assertThat(store.loadResource(new io.mesosoperator.scheduler.spec.ResourceKey("Service", "stored"))).isPresent();
    }

    @Test
    void readsComeFromTheStoreWithKindsMatchedWhateverTheirCase() {
        Response one = api.target("/v1/resources/service/stored").request().get();
        assertThat(one.getStatus()).isEqualTo(200);
        JsonNode resource = body(one);
        assertThat(resource.path("kind").asText()).isEqualTo("Service");
        assertThat(resource.path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(resource.path("metadata").path("resourceVersion").asText()).as("spec version - status version (none yet)")
                .matches("[1-9][0-9]*-0");

        assertThat(body(api.target("/v1/resources").queryParam("kind", "service").request().get()).path("items"))
                .extracting(r -> r.path("metadata").path("name").asText()).containsExactly("stored");
        assertThat(body(api.target("/v1/resources").queryParam("kind", "KafkaCluster").request().get()).path("items")).isEmpty();
        assertThat(body(api.target("/v1/resources/Service/stored/history").request().get()).path("items"))
                .extracting(h -> h.path("generation").asLong() + " " + h.path("change").asText())
                .containsExactly("1 created", "2 scaled");
        assertThat(api.target("/v1/resources/Service/stored/status").request().get().getStatus()).isEqualTo(200);
        assertThat(body(api.target("/v1/resources/Service/stored/events").request().get()).path("items")).isEmpty();
    }

    @Test
    void whatDoesNotExistIs404SayingWhich() {
        Response missing = api.target("/v1/resources/Service/nothing").request().get();
        assertThat(missing.getStatus()).isEqualTo(404);
        assertThat(firstError(missing)).isEqualTo(": Service/nothing not found");

        Response unknownKind = api.target("/v1/resources/Gadget/x").request().get();
        assertThat(unknownKind.getStatus()).isEqualTo(404);
        assertThat(firstError(unknownKind)).isEqualTo(": unknown kind 'Gadget' (known: Service)");

        for (String sub : List.of("status", "events", "plan", "history")) {
            assertThat(api.target("/v1/resources/Service/nothing/" + sub).request().get().getStatus()).as(sub).isEqualTo(404);
        }
        assertThat(post("/v1/resources/Service/nothing/restart", "application/json", "").getStatus()).isEqualTo(404);
        assertThat(firstError(post("/v1/resources/Service/stored/plan/jump", "application/json", "")))
                .isEqualTo(": unknown plan action 'jump' (known: pause, continue, restart)");
    }

    @Test
    void verbsOnOneInstanceSayWhatIsMissing() {
        Response replace = post("/v1/resources/Service/stored/replace", "application/json", "");
        assertThat(replace.getStatus()).isEqualTo(422);
        assertThat(firstError(replace)).isEqualTo("instance: is required: replace works on one instance");

        Response restart = api.target("/v1/resources/Service/stored/restart").queryParam("instance", 7).request()
                .post(Entity.json(""));
        assertThat(restart.getStatus()).isEqualTo(422);
        assertThat(firstError(restart)).isEqualTo("instance: no instance 7 in Service/stored");

        Response rollback = api.target("/v1/resources/Service/stored/rollback").queryParam("toGeneration", 9).request()
                .post(Entity.json(""));
        assertThat(rollback.getStatus()).isEqualTo(422);
        assertThat(firstError(rollback)).isEqualTo("toGeneration: generation 9 is not in the kept history (kept: 1, 2)");
    }

    @Test
    void aBodyOverTheLimitIs413BeforeItIsParsedOrLeadershipMatters() {
        // one long env value: 700 KB, as the spec that used to cost the leadership
        String big = GOOD + "  env:\n    BIG: " + "x".repeat(700_000) + "\n";
        Response tooLarge = post("/v1/resources", "application/yaml", big);
        assertThat(tooLarge.getStatus()).isEqualTo(413);
        assertThat(firstError(tooLarge)).matches(": the spec \\((700\\d{3} bytes|more than 262144 bytes)\\) is larger than"
                + " the limit of 262144 bytes \\(limits.maxSpecBytes\\)");
        // within the limit, it gets as far as leadership (this instance does not lead)
        assertThat(post("/v1/resources", "application/yaml", GOOD + "  env:\n    BIG: " + "x".repeat(100_000) + "\n")
                .getStatus()).isEqualTo(503);
    }

    @Test
    void aNameNoResourceCanHaveIs400NamingTheRuleOnEveryPath() {
        for (String name : List.of("Upper", "under_score", "a.b", "-dash", "x".repeat(54), "%00", "a%20b")) {
            for (String sub : List.of("", "/status", "/events", "/plan", "/history")) {
                Response bad = api.target("/v1/resources/Service/" + name + sub).request().get();
                assertThat(bad.getStatus()).as(name + sub).isEqualTo(400);
                assertThat(firstError(bad)).as(name + sub).endsWith("is not a valid resource name: at most 53 characters"
                        + " matching ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
            }
            assertThat(api.target("/v1/resources/Service/" + name).request().delete().getStatus()).as(name).isEqualTo(400);
            assertThat(post("/v1/resources/Service/" + name + "/restart", "application/json", "").getStatus()).as(name)
                    .isEqualTo(400);
        }
        // an unknown kind is 404 whatever the name
        Response unknownKind = api.target("/v1/resources/Gadget/Not_A_Name/status").request().get();
        assertThat(unknownKind.getStatus()).isEqualTo(404);
        assertThat(firstError(unknownKind)).isEqualTo(": unknown kind 'Gadget' (known: Service)");
    }
}
