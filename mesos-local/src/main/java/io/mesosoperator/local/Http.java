package io.mesosoperator.local;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.mesosoperator.mesos.ContentType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.AbstractHandler;

/** Status lines and bodies exactly as a Mesos 1.12 master/agent answers (see mesos-transcripts/). */
final class Http {
    private Http() {}

    static final class Failure extends RuntimeException {
        final int status;

        Failure(int status, String body) {
            super(body);
            this.status = status;
        }
    }

    /** A process' endpoints by path; a {@link Failure} thrown becomes its status and body. */
    @FunctionalInterface
    interface Routes {
        void handle(String target, HttpServletRequest request, HttpServletResponse response) throws IOException;
    }

    /** A Jetty server (not yet started) that answers every request with {@code routes}. */
    static Server server(String host, int port, Routes routes) {
        Server server = new Server(new InetSocketAddress(host, port));
        server.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
                    throws IOException {
                base.setHandled(true);
                try {
                    routes.handle(target, request, response);
                } catch (Failure f) {
                    text(response, f.status, f.getMessage());
                }
            }
        });
        return server;
    }

    /** The port a started server listens on (the one it chose when asked for port 0). */
    static int localPort(Server server) {
        return ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
    }

    static Failure badRequest(String body) {
        return new Failure(400, body);
    }

    static void accepted(HttpServletResponse response) {
        response.setStatus(202);
        response.setContentLength(0);
    }

    static void text(HttpServletResponse response, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        if (response instanceof org.eclipse.jetty.server.Response jetty) {
            // libprocess' spelling, with the space: setContentType would print Jetty's "text/plain;charset=utf-8"
            jetty.getHttpFields().put("Content-Type", "text/plain; charset=utf-8");
        } else {
            response.setContentType("text/plain; charset=utf-8");
        }
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    static void json(HttpServletResponse response, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** POST-only check of the v1 API endpoints. */
    static void requirePost(HttpServletRequest request, HttpServletResponse response) {
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            throw new Failure(405, "405 Method Not Allowed. Expecting one of { 'POST' }, but received '"
                    + request.getMethod() + "'.");
        }
    }

    /** The request's type: exactly one of the two media types, without parameters, as Mesos compares them. */
    static ContentType requestType(HttpServletRequest request) {
        String header = request.getHeader("Content-Type");
        if (header == null) {
            throw badRequest("Expecting 'Content-Type' to be present");
        }
        for (ContentType type : ContentType.values()) {
            if (type.mediaType().equals(header)) {
                return type;
            }
        }
        throw new Failure(415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
    }

    /** The streaming response type from Accept: JSON if acceptable (absent accepts all), else protobuf. */
    static ContentType responseType(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        if (accept == null || accepts(accept, "application/json")) {
            return ContentType.JSON;
        }
        if (accepts(accept, "application/x-protobuf")) {
            return ContentType.PROTOBUF;
        }
        throw new Failure(406, "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'");
    }

    private static boolean accepts(String accept, String type) {
        for (String part : accept.split(",")) {
            String media = part.split(";", 2)[0].trim();
            if (media.equals(type) || media.equals("*/*") || media.equals("application/*")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A POSTed call of the master's or an agent's API, in the request's content type; a body that
     * does not parse is a 400 with the text Mesos gives.
     */
    @SuppressWarnings("unchecked")
    static <M extends Message> M decodeCall(HttpServletRequest request, HttpServletResponse response, Message.Builder builder)
            throws IOException {
        requirePost(request, response);
        ContentType type = requestType(request);
        try {
            return (M) type.decode(body(request), builder).buildPartial();
        } catch (InvalidProtocolBufferException e) {
            throw badRequest(type == ContentType.JSON
                    ? "Failed to parse body into JSON: " + e.getMessage() : "Failed to parse body into Call protobuf");
        }
    }

    static byte[] body(HttpServletRequest request) throws IOException {
        return request.getInputStream().readAllBytes();
    }

}
