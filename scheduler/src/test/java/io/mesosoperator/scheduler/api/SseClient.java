package io.mesosoperator.scheduler.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A watcher of GET /v1/events on a plain socket (one file descriptor, no thread): HTTP/1.0, so the
 * body arrives unchunked and ends when the server ends the stream. Reads block for at most
 * {@link #READ_BOUND_MS}: a bound for a broken server, not a measure of a working one.
 */
final class SseClient implements AutoCloseable {
    static final int READ_BOUND_MS = 60_000;

    private final Socket socket;
    private final BufferedReader in;
    final int status;
    final Map<String, String> headers = new HashMap<>();
    /** The body read so far. */
    final StringBuilder body = new StringBuilder();

    private SseClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String statusLine = in.readLine();
        if (statusLine == null) {
            throw new IOException("the server closed the connection without answering");
        }
        status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
    }

    /** Sends GET {@code pathAndQuery} and reads the status line and headers. */
    static SseClient open(int port, String pathAndQuery, String token) throws IOException {
        return open(port, pathAndQuery, token, 0);
    }

    /** The same with a small receive buffer ({@code receiveBuffer} > 0): a client that can be made slow. */
    static SseClient open(int port, String pathAndQuery, String token, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.setSoTimeout(READ_BOUND_MS);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + pathAndQuery + " HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new SseClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Reads until the body read so far satisfies {@code done}; the body then. */
    String readUntil(Predicate<String> done) throws IOException {
        while (!done.test(body.toString())) {
            if (!readMore()) {
                throw new IOException("the stream ended before the expected text; it was:\n" + tail());
            }
        }
        return body.toString();
    }

    /** Reads until the server ends the stream; the whole body. */
    String readToEnd() throws IOException {
        while (readMore()) {
            // keep reading
        }
        return body.toString();
    }

    private boolean readMore() throws IOException {
        char[] chunk = new char[8192];
        int n = in.read(chunk);
        if (n < 0) {
            return false;
        }
        body.append(chunk, 0, n);
        return true;
    }

    private String tail() {
        return body.length() <= 2000 ? body.toString() : "..." + body.substring(body.length() - 2000);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
