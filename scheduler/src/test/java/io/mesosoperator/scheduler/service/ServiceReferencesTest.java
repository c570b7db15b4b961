package io.mesosoperator.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.mesos.Backoff;
import io.mesosoperator.scheduler.kind.InstanceSet;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
import io.mesosoperator.scheduler.plan.PlanView;
import io.mesosoperator.scheduler.spark.SparkJobReconciler;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecParser;
import io.mesosoperator.scheduler.spec.SpecValidator;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.EmptyReads;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * References resolved when instances launch: a Service B whose environment takes the endpoints of
 * Service A waits, naming the reference, until A is Ready; then launches with A's addresses; and
 * rolls when they change. No Mesos and no clock: the reconciler and what it reads of A.
 */
class ServiceReferencesTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private static final SpecValidator VALIDATOR = new SpecValidator(List.of(ServiceReconciler.KIND, SparkJobReconciler.KIND));
    private static final ResourceKey A = new ResourceKey("Service", "a");
    private static final ResourceKey B = new ResourceKey("Service", "b");
    private static final ServiceReconciler SERVICES = new ServiceReconciler(new RecoveryPolicy(
            new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(30), Duration.ofSeconds(60)), Duration.ofSeconds(30)));

    /** What B's reconciliation reads of the other resources (here: A), and what the plan view reads. */
    private final Map<ResourceKey, Resource> resources = new HashMap<>();
    private final Map<ResourceKey, ResourceStatus> statuses = new HashMap<>();

    private static Resource accepted(String yaml) {
        ObjectNode doc = VALIDATOR.validate(SpecParser.parse(yaml));
        ((ObjectNode) doc.path("metadata")).put("generation", 1);
        return new Resource(doc);
    }

    private static Resource b(int instances) {
        return accepted("""
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata: {name: b}
                spec:
                  instances: %d
                  command: echo "$A_URL" > a_url; sleep 1000
                  env:
                    GREETING: hi
                    A_URL: {valueFrom: {resource: Service/a, field: endpoints.http}}
                """.formatted(instances));
    }

    /** A as its status shows it: Ready or not, its instances listening on these hosts at port http (and admin). */
    private void a(boolean ready, String... hosts) {
        resources.put(A, accepted("""
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata: {name: a}
                spec: {command: ./serve, ports: [{name: http}, {name: admin}]}
                """));
        List<InstanceStatus> instances = new ArrayList<>();
        for (int i = 0; i < hosts.length; i++) {
            instances.add(InstanceStatus.fresh(i).withTask("a-" + i, "TASK_RUNNING", true, "agent-" + i, null)
                    .listening(hosts[i], Map.of("http", 31000L + i, "admin", 32000L + i)));
        }
        statuses.put(A, new ResourceStatus(1, ready ? "Running" : "Deploying", hosts.length, ready ? hosts.length : 0,
                List.of(Condition.of(Condition.READY, ready, "r", "m")), instances, null, null));
    }

    private ReconcileResult reconcile(Resource b, List<TaskRecord> tasks) {
        return SERVICES.reconcile(b, new Reconciler.Observed(tasks, null, Set.of(), PlanState.INITIAL, reads()), NOW);
    }

    private static TaskRecord running(int instance, String configHash) {
        return new TaskRecord("b-" + instance + "-t", B.toString(), instance, configHash, "agent-1", "TASK_RUNNING", null, null,
                null, null, NOW.minusSeconds(100).toString(), NOW.minusSeconds(90).toString(), false, NOW.toString(), null,
                null, "h9", Map.of(), null);
    }

    @Test
    void waitsNamingTheReferenceWhileTheResourceIsMissingNotReadyOrLacksTheField() {
        ReconcileResult missing = reconcile(b(2), List.of());
        assertThat(missing.launches()).isEmpty();
        assertThat(missing.status().instances()).extracting(InstanceStatus::state)
                .containsOnly(InstanceSet.WAITING_FOR_REFERENCE);
        assertThat(missing.status().condition(Condition.PROGRESSING).reason()).isEqualTo("WaitingForReference");
        PlanView.Step step = PlanView.deploy(B, missing.status(), reads()).phases().get(0).steps().get(0);
        assertThat(step.status()).isEqualTo("WAITING");
        assertThat(step.blocker()).isEqualTo("waits for Service/a, which does not exist yet (spec.env.A_URL takes its"
                + " endpoints.http)");

        a(false, "h1");
        assertThat(blocker(reconcile(b(2), List.of()))).isEqualTo("waits for Service/a to be Ready (spec.env.A_URL takes"
                + " its endpoints.http)");

        a(true);
        assertThat(blocker(reconcile(b(2), List.of()))).isEqualTo("waits for endpoints.http of Service/a, empty so far"
                + " (spec.env.A_URL)");
    }

    private String blocker(ReconcileResult result) {
        assertThat(result.launches()).isEmpty();
        return PlanView.deploy(B, result.status(), reads()).phases().get(0).steps().get(0).blocker();
    }

    @Test
    void launchesWithTheReferencedValueInItsEnvironment() {
        a(true, "h1", "h2");
        ReconcileResult r = reconcile(b(2), List.of());
        assertThat(r.launches()).hasSize(2).allSatisfy(pod -> assertThat(pod.env())
                .containsEntry("A_URL", "h1:31000,h2:31001").containsEntry("GREETING", "hi"));
        // what A shows of its instances: where each listens
        assertThat(statuses.get(A).instances().get(1).host()).isEqualTo("h2");
    }

    @Test
    void aChangedValueIsANewConfigurationThatRollsTheInstancesAndNothingRollsWhileItWaits() {
        a(true, "h1");
        String before = reconcile(b(2), List.of()).launches().get(0).configHash();
        List<TaskRecord> tasks = List.of(running(0, before), running(1, before));
        ReconcileResult settled = reconcile(b(2), tasks);
        assertThat(settled.kills()).isEmpty();
        assertThat(settled.status().phase()).isEqualTo("Running");

        // A scales: not Ready while its new instance starts; B keeps running as it is meanwhile
        a(false, "h1");
        ReconcileResult waiting = reconcile(b(2), tasks);
        assertThat(waiting.kills()).isEmpty();
        assertThat(waiting.launches()).isEmpty();
        assertThat(waiting.status().instances()).noneMatch(InstanceStatus::outdated);

        // A Ready with two endpoints: a new configuration, replaced one instance at a time
        a(true, "h1", "h2");
        ReconcileResult rolling = reconcile(b(2), tasks);
        String after = SERVICES.reconcile(b(2), new Reconciler.Observed(List.of(), null, Set.of(), PlanState.INITIAL, reads()),
                NOW).launches().get(0).configHash();
        assertThat(after).isNotEqualTo(before);
        assertThat(rolling.kills()).hasSize(1).allSatisfy(k -> assertThat(k.reason())
                .isEqualTo("configuration changed (rolling update)"));
        assertThat(rolling.status().condition(Condition.PROGRESSING).reason()).isEqualTo("RollingUpdate");

        // the same value again changes nothing (only a changed value rolls)
        a(true, "h1");
        assertThat(reconcile(b(2), tasks).kills()).isEmpty();
    }

    @Test
    void aSparkJobTakesReferencesIntoItsConfAndWaitsForThemBeforeAnAttempt() throws Exception {
        Resource job = accepted("""
                apiVersion: mesos-operator.io/v1
                kind: SparkJob
                metadata: {name: totals}
                spec:
                  mainApplicationFile: file:///app.jar
                  distribution: file:///spark.tgz
                  sparkConf: {app.ingest: {valueFrom: {resource: Service/a, field: endpoints.admin}}}
                """);
        SparkJobReconciler spark = new SparkJobReconciler(null);
        ReconcileResult waiting = spark.reconcile(job, new Reconciler.Observed(List.of(), null, Set.of(), PlanState.INITIAL,
                reads()), NOW);
        assertThat(waiting.launches()).isEmpty();
        assertThat(waiting.status().instances()).singleElement().satisfies(i -> {
            assertThat(i.state()).isEqualTo(InstanceSet.WAITING_FOR_REFERENCE);
            assertThat(i.heldBy()).isEqualTo("waits for Service/a, which does not exist yet (spec.sparkConf.app.ingest takes"
                    + " its endpoints.admin)");
        });

        a(true, "h1");
        ReconcileResult launched = spark.reconcile(job, new Reconciler.Observed(List.of(), waiting.status(), Set.of(),
                PlanState.INITIAL, reads()), NOW);
        PodSpec attempt = launched.launches().get(0);
        assertThat(new ObjectMapper().readTree(attempt.env().get("MESOS_OPERATOR_SPARK")).path("conf").path("app.ingest")
                .asText()).isEqualTo("h1:32000");
    }

    private ResourceReads reads() {
        return new EmptyReads() {
            @Override
            public List<Resource> resources() {
                return List.copyOf(resources.values());
            }

            @Override
            public Resource resource(ResourceKey key) {
                return resources.get(key);
            }

            @Override
            public ResourceStatus status(ResourceKey key) {
                return statuses.get(key);
            }
        };
    }
}
