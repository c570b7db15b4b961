package io.mesosoperator.executor;

import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.mesos.RecordIo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * The executor's HTTP connection to its agent: one long-lived SUBSCRIBE stream for events, and
 * separate short requests for every other call, as executor-http-api.md requires. Plain
 * HttpURLConnection on purpose: java.net.http's client sets up TLS when it is built (some 400
 * classes, 120 ms of a 300 ms executor start), and the agent endpoint is plain HTTP.
 */
final class AgentClient {
    private static final ContentType TYPE = ContentType.PROTOBUF;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int CALL_TIMEOUT_MS = 10_000;

    private final URL endpoint;

    AgentClient(String agentEndpoint) {
        try {
            this.endpoint = new URL("http://" + agentEndpoint + "/api/v1/executor");
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("MESOS_AGENT_ENDPOINT '" + agentEndpoint + "' is not host:port", e);
        }
    }

    /** Opens the event stream; the returned reader yields decoded events until the stream ends. */
    EventStream subscribe(Call subscribe) throws IOException {
        HttpURLConnection connection = post(subscribe, 0); // the stream stays open for as long as the executor runs
        connection.setRequestProperty("Accept", TYPE.mediaType());
        write(connection, subscribe);
        if (connection.getResponseCode() != 200) {
            String body = errorBody(connection);
            connection.disconnect();
            throw new IOException("SUBSCRIBE refused by agent " + endpoint + ": " + connection.getResponseCode() + " " + body);
        }
        return new EventStream(connection.getInputStream());
    }

    /** Sends a non-SUBSCRIBE call; the agent answers 202 Accepted. */
    void send(Call call) throws IOException {
        HttpURLConnection connection = post(call, CALL_TIMEOUT_MS);
        write(connection, call);
        int status = connection.getResponseCode();
        if (status != 202) {
            throw new IOException(call.getType() + " refused by agent: " + status + " " + errorBody(connection));
        }
        // read to the end, so the connection goes back to the keep-alive pool
        try (InputStream in = connection.getInputStream()) {
            in.readAllBytes();
        }
    }

    private HttpURLConnection post(Call call, int readTimeoutMs) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) endpoint.openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setConnectTimeout(CONNECT_TIMEOUT_MS);
        connection.setReadTimeout(readTimeoutMs);
        connection.setRequestProperty("Content-Type", TYPE.mediaType());
        return connection;
    }

    private static void write(HttpURLConnection connection, Call call) throws IOException {
        byte[] body = TYPE.encode(call);
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
    }

    private static String errorBody(HttpURLConnection connection) throws IOException {
        try (InputStream in = connection.getErrorStream()) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static final class EventStream implements AutoCloseable {
        private final InputStream in;
        private final RecordIo.Reader reader;

        EventStream(InputStream in) {
            this.in = in;
            this.reader = new RecordIo.Reader(in);
        }

        /** The next event, or null when the agent closed the stream. */
        Event next() throws IOException {
            byte[] record = reader.next();
            return record == null ? null : TYPE.decode(record, Event.newBuilder()).build();
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing a dead stream: nothing to do
            }
        }
    }
}
