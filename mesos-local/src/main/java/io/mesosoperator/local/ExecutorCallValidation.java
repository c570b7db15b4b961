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

    /** Throws a 400 {@link Http.Failure} for the first rule the call breaks, in validateExecutorCall's order. */
    static void validate(Call call) {
        String error = error(call);
        if (error != null) {
            throw Http.badRequest("Failed to validate Executor::Call: " + error);
        }
    }

    private static String error(Call call) {
        if (!call.isInitialized()) {
            return "Not initialized: " + String.join(", ", call.findInitializationErrors());
        }
        if (!call.hasType()) {
            return "Expecting 'type' to be present";
        }
        if (!call.hasExecutorId()) {
            return "Expecting 'executor_id' to be present";
        }
        if (!call.hasFrameworkId()) {
            return "Expecting 'framework_id' to be present";
        }
        String of = " from executor " + call.getExecutorId().getValue() + " of framework " + call.getFrameworkId().getValue();
        switch (call.getType()) {
            case SUBSCRIBE -> {
                return call.hasSubscribe() ? null : "Expecting 'subscribe' to be present";
            }
            case MESSAGE -> {
                return call.hasMessage() ? null : "Expecting 'message' to be present";
            }
            case UPDATE -> {
                if (!call.hasUpdate()) {
                    return "Expecting 'update' to be present";
                }
                TaskStatus status = call.getUpdate().getStatus();
                if (!status.hasUuid()) {
                    return "Expecting 'uuid' to be present";
                }
                if (!Uuids.isValid(status.getUuid())) {
                    return "Not a valid UUID";
                }
                if (status.hasExecutorId() && !status.getExecutorId().getValue().equals(call.getExecutorId().getValue())) {
                    return "ExecutorID in Call: " + call.getExecutorId().getValue()
                            + " does not match ExecutorID in TaskStatus: " + status.getExecutorId().getValue();
                }
                if (status.getSource() != TaskStatus.Source.SOURCE_EXECUTOR) {
                    return "Received Call" + of + " with invalid source, expecting 'SOURCE_EXECUTOR'";
                }
                if (status.getState() == TaskState.TASK_STAGING) {
                    return "Received TASK_STAGING" + of + " which is not allowed";
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }
}
