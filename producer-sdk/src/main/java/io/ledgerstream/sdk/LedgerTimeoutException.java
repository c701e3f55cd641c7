package io.ledgerstream.sdk;

/**
 * No outcome arrived within {@code request.timeout.ms}. The command may or may not have been applied: resubmit the
 * same {@link Command} object (same request ID) to learn its outcome; the engine never applies it twice (within its
 * request-ID retention, 7 days by default).
 */
public final class LedgerTimeoutException extends LedgerClientException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it; not null
     * @param cause the underlying failure; may be null
     */
    public LedgerTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
