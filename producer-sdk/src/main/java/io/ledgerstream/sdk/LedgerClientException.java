package io.ledgerstream.sdk;

/**
 * Base class of the failures the SDK raises: broken infrastructure, misconfiguration or misuse, never a business
 * rejection (those are {@link Outcome}s). Every message says what happened and what to do.
 *
 * <p>Subclasses: {@link LedgerTimeoutException}, {@link LedgerBackpressureException}, {@link
 * LedgerClientFencedException}, {@link LedgerAuthorizationException}, {@link LedgerClientClosedException}. An
 * instance of this class itself means publication failed for another reason (e.g. retries exhausted): the message
 * says whether the command may have been published.
 */
public class LedgerClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it; not null
     * @param cause the underlying failure; may be null
     */
    public LedgerClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
