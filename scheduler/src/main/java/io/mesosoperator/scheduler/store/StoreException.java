package io.mesosoperator.scheduler.store;

/** The store could not be read or written; the caller's change did not happen. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }

    protected StoreException(String message) {
        super(message);
    }
}
