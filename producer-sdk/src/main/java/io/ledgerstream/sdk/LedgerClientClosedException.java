package io.ledgerstream.sdk;

/**
 * The client was closed: either before the request was accepted (nothing was sent), or before its outcome arrived
 * within the close timeout (it may have been applied; resubmit the same {@link Command} with another client to learn
 * its outcome).
 */
public final class LedgerClientClosedException extends LedgerClientException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it; not null
     * @param cause the underlying failure; may be null
     */
    public LedgerClientClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
