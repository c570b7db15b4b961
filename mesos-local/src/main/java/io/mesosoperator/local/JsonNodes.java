package io.mesosoperator.local;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.MessageOrBuilder;
import io.mesosoperator.mesos.MesosJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * JSON trees of the endpoints a master or agent renders by hand (/state, /metrics/snapshot),
 * printed as Mesos prints them: every double as {@link MesosJson#number} (plain decimals, so a
 * timestamp is {@code 1795674094.046676}, not Jackson's {@code 1.795674094046676E9}); protobuf parts
 * as {@link MesosJson#print}.
 */
final class JsonNodes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonNodes() {}

    static String print(JsonNode root) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = new JsonGeneratorDelegate(JSON.getFactory().createGenerator(out)) {
            @Override
            public void writeNumber(double value) throws IOException {
                writeRawValue(MesosJson.number(value));
            }
        }) {
            JSON.writeTree(generator, root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A protobuf message as a tree, to be part of a hand-built answer. */
    static JsonNode of(MessageOrBuilder message) {
        try {
            return JSON.readTree(MesosJson.print(message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
