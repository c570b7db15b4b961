package io.mesosoperator.scheduler.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** The spec of a Service, as resource-specs/service.schema.json defines it (defaults applied). */
public record ServiceSpec(
        int instances,
        double cpus,
        double mem,
        double disk,
        Volume volume,
        String command,
        Map<String, String> env,
        List<JsonNode> uris,
        List<Port> ports,
        HealthCheck healthCheck,
        double killGracePeriodSeconds,
        String strategy,
        JsonNode autoscale) {

    public record Port(String name) {}

    public record Volume(double sizeMb, String containerPath) {}

    public record HealthCheck(String type, Integer port, String portName, String path, String command,
                              double delaySeconds, double intervalSeconds, double timeoutSeconds,
                              int consecutiveFailures, double gracePeriodSeconds) {}
}
