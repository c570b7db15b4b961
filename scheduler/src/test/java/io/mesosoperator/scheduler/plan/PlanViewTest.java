package io.mesosoperator.scheduler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.EmptyReads;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.ResourceStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan of a SparkJob with executors: its live executors are a phase of their own, a pending one with why it waits. */
class PlanViewTest {
    static final ResourceKey JOB = new ResourceKey("SparkJob", "wc");

    /** Reads whose last offer round found no place for these instances, for these reasons. */
    static ResourceReads blockers(Map<Integer, String> why) {
        return new EmptyReads() {
            @Override
            public String placementBlocker(ResourceKey key, int instance) {
                return why.get(instance);
            }
        };
    }

    @Test
    void anExecutorThatCannotBePlacedWaitsInTheExecutorsPhaseWithTheMatchersReason() throws Exception {
        InstanceStatus driver = new InstanceStatus(0, "wc-0.a", "TASK_RUNNING", true, "S1", 0, 0, null, null, null,
                null, false, null, null, null);
        ResourceStatus status = new ResourceStatus(1, "Running", 1, 1, List.of(), List.of(driver), null,
                new ObjectMapper().readTree("""
                        {"executors": [
                          {"id": "1", "instance": 100000001, "task": "wc-exec-100000001.b", "state": "RUNNING"},
                          {"id": "2", "instance": 100000002, "state": "PENDING", "message": "waiting for an offer with 1 cpus and 896 MiB mem"},
                          {"id": "3", "instance": 100000003, "state": "PENDING", "message": "waiting for an offer with 1 cpus and 896 MiB mem"},
                          {"id": "4", "instance": 100000004, "task": "wc-exec-100000004.c", "state": "FAILED"}]}
                        """));

        PlanView.Plan plan = PlanView.deploy(JOB, status,
                blockers(Map.of(100000002, "no agent has 1 cpus and 896 MiB mem: S1 has 0.9 cpus, S2 has 512 MiB mem")));

        assertThat(plan.status()).isEqualTo("WAITING");
        assertThat(plan.phases()).extracting(PlanView.Phase::name).containsExactly("instances", "executors");
        assertThat(plan.phases().get(0).status()).isEqualTo("COMPLETE");
        PlanView.Phase executors = plan.phases().get(1);
        assertThat(executors.status()).isEqualTo("WAITING");
        assertThat(executors.steps()).containsExactly(
                new PlanView.Step("wc-exec-100000001 (executor 1)", "COMPLETE", "task wc-exec-100000001.b runs", null),
                new PlanView.Step("wc-exec-100000002 (executor 2)", "WAITING", "waiting for resources",
                        "no agent has 1 cpus and 896 MiB mem: S1 has 0.9 cpus, S2 has 512 MiB mem"),
                // no offer round has looked at it yet: what the executor says it waits for
                new PlanView.Step("wc-exec-100000003 (executor 3)", "WAITING", "waiting for resources",
                        "waiting for an offer with 1 cpus and 896 MiB mem"));
    }

    @Test
    void aJobWithoutLiveExecutorsHasOnlyItsInstances() throws Exception {
        ResourceStatus status = new ResourceStatus(1, "Succeeded", 0, 0, List.of(), List.of(), null,
                new ObjectMapper().readTree("{\"executors\": [{\"id\": \"1\", \"instance\": 100000001, \"state\": \"FINISHED\"}]}"));
        PlanView.Plan plan = PlanView.deploy(JOB, status, blockers(Map.of()));
        assertThat(plan.phases()).extracting(PlanView.Phase::name).containsExactly("instances");
        assertThat(plan.status()).isEqualTo("COMPLETE");
    }
}
