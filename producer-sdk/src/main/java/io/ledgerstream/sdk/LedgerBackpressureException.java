package io.ledgerstream.sdk;

/**
 * The client already has {@code max.in.flight.requests} requests waiting for outcomes, and none completed within
 * {@code enqueue.timeout.ms}. Nothing was sent: slow down, or raise the bound, then submit again.
 */
public final class LedgerBackpressureException extends LedgerClientException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it; not null
     * @param cause the underlying failure; may be null
     */
    public LedgerBackpressureException(String message, Throwable cause) {
        super(message, cause);
    }
}
