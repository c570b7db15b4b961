package io.mesosoperator.local;

import io.mesosoperator.mesos.Uuids;
import java.util.Map;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * The master's checks of a call on the v1 scheduler API before it looks at any framework, with
 * Mesos' messages (src/master/validation.cpp scheduler::call::validate). They look at the call
 * alone, so they run on the HTTP thread.
 */
final class SchedulerCallValidation {
    /** The field each call type must carry. */
    private static final Map<Call.Type, String> REQUIRED = Map.ofEntries(
            Map.entry(Call.Type.ACCEPT, "accept"),
            Map.entry(Call.Type.DECLINE, "decline"),
            Map.entry(Call.Type.ACCEPT_INVERSE_OFFERS, "accept_inverse_offers"),
            Map.entry(Call.Type.DECLINE_INVERSE_OFFERS, "decline_inverse_offers"),
            Map.entry(Call.Type.KILL, "kill"),
            Map.entry(Call.Type.SHUTDOWN, "shutdown"),
            Map.entry(Call.Type.ACKNOWLEDGE, "acknowledge"),
            Map.entry(Call.Type.ACKNOWLEDGE_OPERATION_STATUS, "acknowledge_operation_status"),
            Map.entry(Call.Type.RECONCILE, "reconcile"),
            Map.entry(Call.Type.RECONCILE_OPERATIONS, "reconcile_operations"),
            Map.entry(Call.Type.MESSAGE, "message"),
            Map.entry(Call.Type.REQUEST, "request"),
            Map.entry(Call.Type.UPDATE_FRAMEWORK, "update_framework"));

    private SchedulerCallValidation() {}

    /** Throws a 400 {@link Http.Failure} for the first rule the call breaks. */
    static void validate(Call call) {
        String error = error(call);
        if (error != null) {
            throw Http.badRequest("Failed to validate scheduler::Call: " + error);
        }
    }

    private static String error(Call call) {
        if (!call.isInitialized()) {
            return "Not initialized: " + String.join(", ", call.findInitializationErrors());
        }
        if (!call.hasType()) {
            return "Expecting 'type' to be present";
        }
        if (call.getType() == Call.Type.SUBSCRIBE) {
            if (!call.hasSubscribe()) {
                return "Expecting 'subscribe' to be present";
            }
            // an absent id equals an absent id
            if (!call.getSubscribe().getFrameworkInfo().getId().equals(call.getFrameworkId())) {
                return "'framework_id' differs from 'subscribe.framework_info.id'";
            }
            return null;
        }
        if (!call.hasFrameworkId()) {
            return "Expecting 'framework_id' to be present";
        }
        String field = REQUIRED.get(call.getType());
        if (field != null && !call.hasField(Call.getDescriptor().findFieldByName(field))) {
            return "Expecting '" + field + "' to be present";
        }
        if (call.getType() == Call.Type.ACKNOWLEDGE && !Uuids.isValid(call.getAcknowledge().getUuid())) {
            return "Not a valid UUID";
        }
        if (call.getType() == Call.Type.ACKNOWLEDGE_OPERATION_STATUS) {
            if (!Uuids.isValid(call.getAcknowledgeOperationStatus().getUuid())) {
                return "Not a valid UUID";
            }
            if (!call.getAcknowledgeOperationStatus().hasAgentId()) {
                return "Expecting 'agent_id' to be present";
            }
        }
        if (call.getType() == Call.Type.UPDATE_FRAMEWORK
                && !call.getFrameworkId().equals(call.getUpdateFramework().getFrameworkInfo().getId())) {
            return "'framework_id' differs from 'update_framework.framework_info.id'";
        }
        return null;
    }
}
