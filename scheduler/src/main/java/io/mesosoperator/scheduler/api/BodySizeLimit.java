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
 * soon as it passes the limit while being read, before anything parses it.
 */
@PreMatching
final class BodySizeLimit implements ContainerRequestFilter {
    private final SpecLimits limits;

    BodySizeLimit(SpecLimits limits) {
        this.limits = limits;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        long declared = declaredLength(request.getHeaderString(HttpHeaders.CONTENT_LENGTH));
        if (declared > limits.maxSpecBytes()) {
            request.abortWith(tooLarge(declared + " bytes"));
            return;
        }
        request.setEntityStream(new Limited(request.getEntityStream()));
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
                throw new WebApplicationException(tooLarge("more than " + limits.maxSpecBytes() + " bytes"));
            }
        }
    }
}
