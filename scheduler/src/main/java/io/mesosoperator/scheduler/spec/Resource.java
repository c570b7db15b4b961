package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An accepted resource document (apiVersion, kind, metadata, spec), without status. The wrapped
 * tree is never mutated after construction; accessors hand out the parts read-only by convention.
 * A resource read from or written to the store also carries the store's version of it, which is
 * not part of the document (it is never stored inside it).
 */
public final class Resource {
    public static final String API_VERSION = "mesos-operator.io/v1";

    private final ObjectNode document;
    private final String storedVersion;

    public Resource(ObjectNode document) {
        this(document, null);
    }

    private Resource(ObjectNode document, String storedVersion) {
        this.document = document;
        this.storedVersion = storedVersion;
    }

    /** The same document as the store holds it at {@code version} (opaque; only the store reads it). */
    public Resource storedAs(String version) {
        return new Resource(document, version);
    }

    /** The store's version of the spec this object was read or written as; null if it was never stored. */
    public String storedVersion() {
        return storedVersion;
    }

    public ResourceKey key() {
        return new ResourceKey(kind(), name());
    }

    public String kind() {
        return document.path("kind").asText();
    }

    public String name() {
        return document.path("metadata").path("name").asText();
    }

    public long generation() {
        return document.path("metadata").path("generation").asLong(0);
    }

    public JsonNode spec() {
        return document.path("spec");
    }

    public JsonNode metadata() {
        return document.path("metadata");
    }

    /** The same resource with another spec (e.g. its references resolved); never stored. */
    public Resource withSpec(JsonNode spec) {
        ObjectNode copy = document.deepCopy();
        copy.set("spec", spec);
        return new Resource(copy, storedVersion);
    }

    /** A copy of the whole document, safe to change. */
    public ObjectNode toJson() {
        return document.deepCopy();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Resource r && r.document.equals(document);
    }

    @Override
    public int hashCode() {
        return document.hashCode();
    }

    @Override
    public String toString() {
        return key() + "@" + generation();
    }
}
