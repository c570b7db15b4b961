package io.mesosoperator.local;

import io.mesosoperator.mesos.Uuids;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;

/**
 * The agent's checks of a call on the v1 executor API, with Mesos' messages
 * (src/common/validation.cpp validateExecutorCall). They look at the call alone, never at the
 * agent's state, so they run on the HTTP thread before anything is dispatched to the agent's actor.
 */
final class ExecutorCallValidation {
    private ExecutorCallValidation() {}

    /** Throws a 400 {@link Http.Failure} for the first rule the call breaks. */
    static void validate(Call call) {
        String prefix = "Failed to validate Executor::Call: ";
        if (!call.hasType() || call.getType() == Call.Type.UNKNOWN) {
            throw Http.badRequest(prefix + "Expecting 'type' to be present");
        }
        if (!call.hasExecutorId()) {
            throw Http.badRequest(prefix + "Expecting 'executor_id' to be present");
        }
        if (!call.hasFrameworkId()) {
            throw Http.badRequest(prefix + "Expecting 'framework_id' to be present");
        }
        if (call.getType() == Call.Type.UPDATE) {
            TaskStatus status = call.getUpdate().getStatus();
            if (!status.hasUuid()) {
                throw Http.badRequest(prefix + "Expecting 'uuid' to be present");
            }
            if (!Uuids.isValid(status.getUuid())) {
                throw Http.badRequest(prefix + "Not a valid UUID");
            }
            if (status.getState() == TaskState.TASK_STAGING) {
                throw Http.badRequest(prefix + "Received TASK_STAGING from executor " + call.getExecutorId().getValue()
                        + " of framework " + call.getFrameworkId().getValue() + " which is not allowed");
            }
            if (status.getSource() != TaskStatus.Source.SOURCE_EXECUTOR) {
                throw Http.badRequest(prefix + "Received Call from executor " + call.getExecutorId().getValue()
                        + " of framework " + call.getFrameworkId().getValue() + " with invalid source, expecting 'SOURCE_EXECUTOR'");
            }
        }
    }
}
