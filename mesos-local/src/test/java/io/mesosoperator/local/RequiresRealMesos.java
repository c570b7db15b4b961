package io.mesosoperator.local;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only where a real Apache Mesos can start ({@link RealMesosCluster#unavailable()}),
 * and skips it with the reason elsewhere, so {@code mvn verify} passes on a machine without one. In CI
 * ({@code CI=true}) a Mesos build that is present but cannot start is a failure, not a skip: the
 * run must not go green without the tests it was meant to run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresRealMesos.Condition.class)
public @interface RequiresRealMesos {
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> why = RealMesosCluster.unavailable();
            if (why.isEmpty()) {
                return ConditionEvaluationResult.enabled("a real Mesos is at " + RealMesosCluster.home().orElseThrow());
            }
            if ("true".equals(System.getenv("CI")) && RealMesosCluster.home().isPresent()) {
                throw new IllegalStateException("CI has a Mesos build but cannot run it: " + why.get());
            }
            System.out.println("[real Mesos] skipping " + context.getDisplayName() + ": " + why.get());
            return ConditionEvaluationResult.disabled("real Mesos unavailable: " + why.get());
        }
    }
}
