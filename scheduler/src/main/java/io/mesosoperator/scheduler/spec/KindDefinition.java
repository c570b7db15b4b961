package io.mesosoperator.scheduler.spec;

import java.util.Set;

/**
 * What the spec layer knows of a kind: its schema file under resource-specs/ and which spec
 * fields may change without a rolling update (scaling).
 */
public record KindDefinition(String kind, String schemaFile, Set<String> scaleFields) {}
