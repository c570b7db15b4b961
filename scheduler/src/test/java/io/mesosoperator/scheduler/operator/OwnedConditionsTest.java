package io.mesosoperator.scheduler.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.ResourceStatus;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A condition the monitor owns survives every status the kind computes afresh. */
class OwnedConditionsTest {
    private static final ResourceKey KEY = new ResourceKey("Service", "web");
    private static final Instant T1 = Instant.parse("2026-12-06T07:00:00Z");
    private static final Instant T2 = T1.plusSeconds(60);
    private final OwnedConditions owned = new OwnedConditions(Set.of(Condition.ANOMALOUS));

    private static ResourceStatus computed() {
        return new ResourceStatus(1, "Running", 1, 1, List.of(Condition.of(Condition.READY, true, "AllInstancesReady", "1/1")
                .at(T1.toString())), List.of(), null, null);
    }

    @Test
    void anOwnedConditionGoesIntoEveryComputedStatusKeepingItsTransitionTime() {
        assertThat(owned.applyTo(KEY, computed(), null, T1)).isEqualTo(computed()); // nothing set: untouched

        assertThat(owned.set(KEY, Condition.of(Condition.ANOMALOUS, true, "SustainedDeviation", "a"))).isTrue();
        ResourceStatus first = owned.applyTo(KEY, computed(), computed(), T1);
        assertThat(first.condition(Condition.ANOMALOUS)).isEqualTo(
                new Condition(Condition.ANOMALOUS, "True", "SustainedDeviation", "a", T1.toString()));

        owned.set(KEY, Condition.of(Condition.ANOMALOUS, true, "SustainedDeviation", "a and b"));
        ResourceStatus second = owned.applyTo(KEY, computed(), first, T2);
        assertThat(second.condition(Condition.ANOMALOUS).lastTransitionTime()).isEqualTo(T1.toString()); // still True
        assertThat(second.condition(Condition.ANOMALOUS).message()).isEqualTo("a and b");

        owned.set(KEY, Condition.of(Condition.ANOMALOUS, false, "NoDeviation", "fine"));
        assertThat(owned.applyTo(KEY, computed(), second, T2).condition(Condition.ANOMALOUS))
                .isEqualTo(new Condition(Condition.ANOMALOUS, "False", "NoDeviation", "fine", T2.toString()));
        assertThat(owned.set(KEY, Condition.of(Condition.ANOMALOUS, false, "NoDeviation", "fine"))).isFalse();
    }

    @Test
    void aNewTermCarriesTheStoredConditionOverUntilItSetsOne() {
        ResourceStatus stored = computed().withConditions(List.of(computed().conditions().get(0),
                new Condition(Condition.ANOMALOUS, "True", "SustainedDeviation", "from the last leader", T1.toString())));

        assertThat(owned.applyTo(KEY, computed(), stored, T2).condition(Condition.ANOMALOUS))
                .isEqualTo(stored.condition(Condition.ANOMALOUS));
    }

    @Test
    void theKindsOwnConditionsCannotBeSetFromOutside() {
        assertThatThrownBy(() -> owned.set(KEY, Condition.of(Condition.READY, true, "x", "y")))
                .hasMessageContaining("Ready belongs to the kind's reconciler");
    }
}
