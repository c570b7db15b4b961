package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads one resource document from YAML or JSON text (JSON is YAML), keeping where each field was
 * written so that errors can point at a line and column. The text is read within
 * {@link SpecLimits} ({@link YamlReader}): size first, then depth, keys, aliases and what they
 * expand to, each refusal naming its line.
 */
public final class SpecParser {
    private SpecParser() {}

    public static ParsedDocument parse(String text) {
        return parse(text, SpecLimits.DEFAULTS);
    }

    public static ParsedDocument parse(String text, SpecLimits limits) {
        if (text == null || text.isBlank()) {
            throw new InvalidSpecException(FieldError.of("", "empty document: expected a resource with apiVersion, kind, metadata and spec"));
        }
        // UTF-16 units never outnumber UTF-8 bytes: text over this is over the byte limit too
        if (text.length() > limits.maxSpecBytes()) {
            throw new InvalidSpecException(FieldError.of("", tooLarge(text.length() + " characters", limits)));
        }
        YamlReader.ParsedTree read = YamlReader.read(text, limits);
        if (read.root() == null || !read.root().isObject()) {
            throw new InvalidSpecException(FieldError.of("", "expected a mapping with apiVersion, kind, metadata and spec"));
        }
        return new ParsedDocument((ObjectNode) read.root(), read.locations());
    }

    /** "the spec (700000 bytes) is larger than the limit of 262144 bytes (limits.maxSpecBytes)" */
    public static String tooLarge(String size, SpecLimits limits) {
        return "the spec (" + size + ") is larger than the limit of " + limits.maxSpecBytes() + " bytes (limits.maxSpecBytes)";
    }

    static Integer line(com.fasterxml.jackson.core.JsonLocation at) {
        return at.getLineNr() > 0 ? at.getLineNr() : null;
    }

    static Integer column(com.fasterxml.jackson.core.JsonLocation at) {
        return at.getColumnNr() > 0 ? at.getColumnNr() : null;
    }
}
