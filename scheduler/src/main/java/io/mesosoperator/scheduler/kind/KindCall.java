package io.mesosoperator.scheduler.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.scheduler.store.ResourceStatus;
import java.util.List;

/**
 * A call of a kind's own API on a resource's running work, e.g. a Spark driver asking for its
 * executors ({@code PUT .../runs/0/attempts/1/executors}). The API routes it, the loop thread runs
 * it ({@link Reconciler#call}), so it sees and changes the status as reconciliations do.
 *
 * @param method the HTTP method
 * @param path   the path below the resource, split at '/' (e.g. runs, 0, attempts, 1, executors)
 * @param body   the request's JSON body; null when it has none
 */
public record KindCall(String method, List<String> path, JsonNode body) {

    /**
     * What a call answers: the HTTP status and JSON body, and the status that records what it
     * changed (stored before the answer leaves, then the resource is reconciled); null when it
     * changed nothing.
     */
    public record Answer(int code, JsonNode body, ResourceStatus status) {}
}
