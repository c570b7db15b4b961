package io.mesosoperator.scheduler.api;

import io.mesosoperator.scheduler.metrics.MetricsHistory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * GET /v1/metrics/history: the recent samples of the series the dashboard charts (tasks by kind and
 * state, launches and failures by kind), as this operator exports them on /metrics/prometheus.
 */
@Path("/v1/metrics/history")
@Produces(MediaType.APPLICATION_JSON)
public final class MetricsHistoryApi {
    private final MetricsHistory history;

    MetricsHistoryApi(MetricsHistory history) {
        this.history = history;
    }

    @GET
    public Map<String, Object> history() {
        return Map.of("intervalSeconds", history.interval().toMillis() / 1000.0, "kept", history.points(),
                "series", history.series());
    }
}
