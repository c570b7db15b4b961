package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads one resource document from YAML or JSON text (JSON is YAML), keeping where each field was
 * written so that errors can point at a line and column.
 */
public final class SpecParser {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(YAML);

    private SpecParser() {}

    public static ParsedDocument parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidSpecException(FieldError.of("", "empty document: expected a resource with apiVersion, kind, metadata and spec"));
        }
        JsonNode tree;
        try (JsonParser parser = YAML.createParser(text)) {
            tree = MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw new InvalidSpecException(new FieldError("", "more than one document: apply one resource per file"
                        + " (or per request)", line(at), column(at)));
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidSpecException(new FieldError("", "syntax error: " + e.getOriginalMessage()
                    .replaceAll("\\s+", " ").trim(), at == null ? null : line(at), at == null ? null : column(at)));
        } catch (IOException e) {
            throw new InvalidSpecException(FieldError.of("", "cannot read document: " + e.getMessage()));
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidSpecException(FieldError.of("", "expected a mapping with apiVersion, kind, metadata and spec"));
        }
        return new ParsedDocument((ObjectNode) tree, locations(text));
    }

    /** Where each pointer was written: a scalar's value, else the key (or element) that opens it. */
    private static Map<String, JsonLocation> locations(String text) {
        Map<String, JsonLocation> out = new HashMap<>();
        try (JsonParser parser = YAML.createParser(text)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                String pointer = parser.getParsingContext().pathAsPointer().toString();
                if (t.isScalarValue()) {
                    out.put(pointer, parser.currentTokenLocation());
                } else {
                    out.putIfAbsent(pointer, parser.currentTokenLocation());
                }
            }
        } catch (IOException e) {
            // locations are a help for messages only; the tree parsed, so this does not happen
        }
        return out;
    }

    static Integer line(JsonLocation at) {
        return at.getLineNr() > 0 ? at.getLineNr() : null;
    }

    static Integer column(JsonLocation at) {
        return at.getColumnNr() > 0 ? at.getColumnNr() : null;
    }
}
