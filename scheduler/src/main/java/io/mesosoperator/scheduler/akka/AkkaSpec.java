package io.mesosoperator.scheduler.akka;

import java.util.Map;

/** The spec of an AkkaService, as resource-specs/akka.schema.json defines it (defaults applied). */
public record AkkaSpec(
        int replicas,
        String artifact,
        String mainClass,
        String classpath,
        String command,
        String flavor,
        String actorSystemName,
        double cpus,
        double mem,
        int heap,
        Map<String, Object> config,
        Map<String, String> env,
        Integer maxReplicasPerAgent,
        String strategy,
        com.fasterxml.jackson.databind.JsonNode autoscale) {
}
