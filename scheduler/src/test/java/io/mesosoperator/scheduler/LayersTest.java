package io.mesosoperator.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The operator's layers (docs/architecture.md), each depending only on the ones below it:
 * <pre>
 *   edge       cli, api, embedded, state (the ZooKeeper adapter), agents (the agents' HTTP endpoints), Main
 *   core       operator, tasks, placement, plan, events, metrics, monitor, autoscale
 *   kinds      akka, cassandra, kafka, service, spark
 *   contract   kind (what every kind implements), jobs (what job kinds share)
 *   ports      store, mesos (the master's scheduler API)
 *   spec       spec
 *   analysis   anomaly (pure statistics over series, no I/O)
 * </pre>
 * Below them all, the mesos-protocol module (io.mesosoperator.mesos): a module of its own, so Maven
 * already keeps it from depending back on the operator.
 */
class LayersTest {
    private static final String ROOT = "io.mesosoperator.scheduler";
    private static final JavaClasses OPERATOR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void noPackageDependsOnAnotherThatDependsBackOnIt() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(OPERATOR);
    }

    @Test
    void eachLayerDependsOnlyOnTheOnesBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Edge").definedBy(ROOT, ROOT + ".cli..", ROOT + ".api..", ROOT + ".embedded..", ROOT + ".state..",
                        ROOT + ".agents..")
                .layer("Core").definedBy(ROOT + ".operator..", ROOT + ".tasks..", ROOT + ".placement..", ROOT + ".plan..",
                        ROOT + ".events..", ROOT + ".metrics..", ROOT + ".monitor..", ROOT + ".autoscale..")
                .layer("Kinds").definedBy(ROOT + ".akka..", ROOT + ".cassandra..", ROOT + ".kafka..", ROOT + ".service..",
                        ROOT + ".spark..")
                .layer("Contract").definedBy(ROOT + ".kind..", ROOT + ".jobs..")
                .layer("Ports").definedBy(ROOT + ".store..", ROOT + ".mesos..")
                .layer("Spec").definedBy(ROOT + ".spec..")
                .layer("Analysis").definedBy(ROOT + ".anomaly..")
                .whereLayer("Edge").mayNotBeAccessedByAnyLayer()
                .whereLayer("Core").mayOnlyBeAccessedByLayers("Edge")
                .whereLayer("Kinds").mayOnlyBeAccessedByLayers("Edge", "Core")
                .whereLayer("Contract").mayOnlyBeAccessedByLayers("Edge", "Core", "Kinds")
                .whereLayer("Ports").mayOnlyBeAccessedByLayers("Edge", "Core", "Kinds", "Contract")
                .whereLayer("Spec").mayOnlyBeAccessedByLayers("Edge", "Core", "Kinds", "Contract", "Ports")
                .whereLayer("Analysis").mayOnlyBeAccessedByLayers("Edge", "Core", "Kinds", "Contract", "Ports", "Spec")
                .check(OPERATOR);
    }

    @Test
    void onlyTheEmbeddedModeKnowsMesosLocal() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".embedded..")
                .should().dependOnClassesThat().resideInAPackage("io.mesosoperator.local..")
                .check(OPERATOR);
    }
}
