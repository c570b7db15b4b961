package io.mesosoperator.scheduler.api;

import io.mesosoperator.scheduler.spec.SpecLimits;
import io.mesosoperator.scheduler.spec.SpecParser;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The API's request bodies are at most {@code limits.maxSpecBytes}: a larger Content-Length is
 * answered 413 before the body is read, and a body without one (chunked) is cut off with a 413 as
 * soon as it passes the limit while being read, before anything parses it. Before the 413 is sent,
 * the rest of a body up to {@link #DRAIN_BYTES} is read and dropped: a server that answers and
 * closes while the client still sends makes the client's TCP stack reset the connection, and the
 * reset destroys the 413 unread (clients then see "connection reset", not the reason).
 */
@PreMatching
final class BodySizeLimit implements ContainerRequestFilter {
    /** Read and dropped before a 413 at most; a larger body is cut off and the connection closed. */
    static final long DRAIN_BYTES = 16L * 1024 * 1024;
    private final SpecLimits limits;

    BodySizeLimit(SpecLimits limits) {
        this.limits = limits;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        long declared = declaredLength(request.getHeaderString(HttpHeaders.CONTENT_LENGTH));
        if (declared > limits.maxSpecBytes()) {
            drain(request.getEntityStream());
            request.abortWith(tooLarge(declared + " bytes"));
            return;
        }
        request.setEntityStream(new Limited(request.getEntityStream()));
    }

    private static void drain(InputStream body) {
        try {
            long left = DRAIN_BYTES;
            byte[] buffer = new byte[64 * 1024];
            for (int n; left > 0 && (n = body.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
                left -= n;
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    private static long declaredLength(String header) {
        try {
            return header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1; // the server refuses a malformed Content-Length itself
        }
    }

    private jakarta.ws.rs.core.Response tooLarge(String size) {
        return ApiErrors.of(413, SpecParser.tooLarge(size, limits));
    }

    /** Counts what is read and stops at the limit. */
    private final class Limited extends FilterInputStream {
        private long read;

        Limited(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) {
            read += n;
            if (read > limits.maxSpecBytes()) {
                drain(in);
                throw new WebApplicationException(tooLarge("more than " + limits.maxSpecBytes() + " bytes"));
            }
        }
    }
}
