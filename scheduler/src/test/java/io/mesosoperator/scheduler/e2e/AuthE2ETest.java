package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With a token file, writes need `Authorization: Bearer`; unauthorized writes get 401 and change
 * nothing; reads stay open. Neither the API token nor the Mesos secret shows up in logs or output.
 */
class AuthE2ETest extends EmbeddedOperatorTest {
    static final String TOKEN = "tok-7f3a9c1e5b";
    static final String MESOS_SECRET = "mesos-secret-42d1";

    @Override
    EmbeddedOperator startEnvironment(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path tokens = Files.writeString(dir.resolve("tokens"), "# API tokens\n" + TOKEN + "\n");
        Path secret = Files.writeString(dir.resolve("mesos.secret"), MESOS_SECRET + "\n");
        return new EmbeddedOperator(dir, EmbeddedOperator.Options.defaults()
                .config("api.tokenFile", tokens.toString())
                .config("mesos.principal", "mesos-operator")
                .config("mesos.secretFile", secret.toString()));
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(env.api() + path))
                .header("Content-Type", "application/yaml")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void writesNeedTheTokenReadsDoNotAndSecretsStaySecret() throws Exception {
        String spec = Specs.service("guarded", 1, "sleep 600");
        HttpResponse<String> anonymous = send("POST", "/v1/resources", null, spec);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"mesos-operator\"");
        assertThat(anonymous.body()).contains("requires a bearer token");
        assertThat(send("POST", "/v1/resources", "wrong", spec).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/v1/resources/Service/guarded", null, null).statusCode()).isEqualTo(404); // nothing changed

        assertThat(send("POST", "/v1/resources", TOKEN, spec).statusCode()).isEqualTo(201);
        assertThat(send("GET", "/v1/resources/Service/guarded", null, null).statusCode()).isEqualTo(200);
        assertThat(send("DELETE", "/v1/resources/Service/guarded", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/v1/resources/Service/guarded", null, null).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/v1/resources/Service/guarded/rollback", "nope", "").statusCode()).isEqualTo(401);

        String everything = send("GET", "/v1/resources", null, null).body() + send("GET", "/v1/tasks", null, null).body()
                + env.admin("/healthcheck") + env.admin("/metrics") + anonymous.body();
        assertThat(send("DELETE", "/v1/resources/Service/guarded", TOKEN, null).statusCode()).isEqualTo(200);

        // a Spark driver asks this token-protected API for its executors with the token the operator handed it
        // (scoped to its attempt's calls, not the API's token): the word count runs on an executor task
        String job = """
                apiVersion: mesos-operator.io/v1
                kind: SparkJob
                metadata: {name: guarded-wc}
                spec:
                  mainApplicationFile: %s
                  mainClass: io.mesosoperator.samples.WordCount
                  files: [%s]
                  arguments: [words.txt, counts]
                  executor: {instances: 1, cores: 1, memory: 512m}
                  sparkConf:
                    spark.sql.shuffle.partitions: '1'
                    spark.scheduler.minRegisteredResourcesRatio: '1.0'
                    spark.scheduler.maxRegisteredResourcesWaitingTime: 120s
                """.formatted(SparkJobE2ETest.JAR.toUri(), SparkJobE2ETest.WORDS.toUri());
        assertThat(send("POST", "/v1/resources", TOKEN, job).statusCode()).isEqualTo(201);
        await().atMost(SparkJobE2ETest.RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(env.get("/v1/resources/SparkJob/guarded-wc").body().path("status").path("phase").asText())
                        .isEqualTo("Succeeded"));
        JsonNode workload = env.get("/v1/resources/SparkJob/guarded-wc").body().path("status").path("workload");
        assertThat(workload.path("runs").get(0).path("applicationId").asText()).as("a cluster application, not local-…")
                .startsWith("spark-application-");
        assertThat(workload.path("executors")).as("executors the driver was given").singleElement()
                .satisfies(e -> assertThat(e.path("task").asText()).startsWith("guarded-wc-exec-"));
        HttpResponse<String> wrongToken = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(env.api() + "/v1/resources/SparkJob/guarded-wc/runs/0/attempts/1/executors"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer wrong")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"total\": 3}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongToken.statusCode()).as("the driver's call without its attempt's token").isEqualTo(401);
        assertThat(send("DELETE", "/v1/resources/SparkJob/guarded-wc", TOKEN, null).statusCode()).isEqualTo(200);
        env.close(getClass().getSimpleName() + "-secrets");
        String logs = Files.readString(Path.of("target", "e2e-logs", getClass().getSimpleName() + "-secrets.log"));
        assertThat(logs).isNotEmpty();
        assertThat(everything + logs).doesNotContain(TOKEN).doesNotContain(MESOS_SECRET);
    }
}
