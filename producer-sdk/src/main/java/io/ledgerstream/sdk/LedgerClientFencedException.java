package io.ledgerstream.sdk;

/**
 * Another {@link LedgerClient} started with the same transactional ID (by default: the same client ID), so Kafka
 * fenced this one: it can no longer publish. Commands it had not published fail with this exception; nothing of them
 * is visible. Close this client. If the other instance is a replacement of this one (a restart), this is expected;
 * otherwise give every concurrently running instance its own client ID.
 */
public final class LedgerClientFencedException extends LedgerClientException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it; not null
     * @param cause the underlying failure; may be null
     */
    public LedgerClientFencedException(String message, Throwable cause) {
        super(message, cause);
    }
}
