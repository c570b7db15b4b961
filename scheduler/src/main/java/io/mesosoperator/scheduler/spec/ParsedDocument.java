package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** A submitted document and, for each JSON pointer in it, where it was written. */
public record ParsedDocument(ObjectNode tree, Map<String, JsonLocation> locations) {
    /** The location of the pointer, or of its nearest written ancestor. */
    public JsonLocation locate(String pointer) {
        String p = pointer;
        while (true) {
            JsonLocation loc = locations.get(p);
            if (loc != null || p.isEmpty()) {
                return loc;
            }
            p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
        }
    }
}
