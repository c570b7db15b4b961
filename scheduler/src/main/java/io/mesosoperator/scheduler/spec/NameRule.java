package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/** What a resource's name may be: metadata.name's pattern and length in the kinds' schemas. */
public record NameRule(Pattern pattern, int maxLength) {
    static NameRule of(JsonNode nameSchema) {
        if (!nameSchema.path("pattern").isTextual() || !nameSchema.path("maxLength").isInt()) {
            throw new IllegalStateException("the schema of metadata.name has no pattern and maxLength: " + nameSchema);
        }
        return new NameRule(Pattern.compile(nameSchema.get("pattern").asText()), nameSchema.get("maxLength").asInt());
    }

    public boolean accepts(String name) {
        return name != null && name.length() <= maxLength && pattern.matcher(name).find();
    }

    /** "at most 53 characters matching ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" */
    public String describe() {
        return "at most " + maxLength + " characters matching " + pattern.pattern();
    }
}
