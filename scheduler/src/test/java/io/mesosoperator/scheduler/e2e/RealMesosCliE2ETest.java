package io.mesosoperator.scheduler.e2e;

import io.mesosoperator.local.RequiresRealMesos;

/**
 * {@link CliE2ETest} on a real Apache Mesos: the master at its http:// URL with the JSON content
 * type (the operator's JSON codec against a real master), and {@code logs} read through a real
 * agent's {@code /files/read} from the command executor's sandbox
 * ({@code /frameworks/<fw>/executors/<task id>/runs/latest}).
 */
@RequiresRealMesos
class RealMesosCliE2ETest extends CliE2ETest {
    @Override
    EmbeddedOperator.Options options() {
        return super.options().onRealMesos();
    }
}
