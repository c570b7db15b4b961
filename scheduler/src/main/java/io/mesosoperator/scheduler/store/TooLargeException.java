package io.mesosoperator.scheduler.store;

/**
 * A write the store refused before sending it, because it is larger than the store takes in one
 * request (ZooKeeper: jute.maxbuffer, which it enforces by dropping the connection, and with it
 * the session and the leadership). Nothing was written; retrying the same write cannot succeed.
 */
public final class TooLargeException extends StoreException {
    private final long size;
    private final long limit;

    public TooLargeException(String what, long size, long limit) {
        super(what + " is too large to store: " + size + " bytes in one ZooKeeper request, larger than the limit of "
                + limit + " bytes (jute.maxbuffer less room for the request's framing)");
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
