package io.mesosoperator.scheduler.store;

/**
 * A write of a leadership term that has ended: another operator began a newer term (it leads now),
 * so this write did not happen, and none of this term's will; the operator must stop acting.
 */
public final class DeposedException extends StoreException {
    public DeposedException(String message) {
        super(message);
    }
}
