package io.ledgerstream.sdk;

/**
 * The broker refused an operation for lack of permission (a Kafka {@code AuthorizationException}). Nothing of the
 * failed publication is visible. Ask the cluster operator for the ACLs the message names (WRITE on the commands
 * topic, WRITE and DESCRIBE on the transactional ID, READ on the outcomes topic, and for result streams READ on the
 * consumer group), then resubmit the same commands.
 */
public final class LedgerAuthorizationException extends LedgerClientException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it; not null
     * @param cause the underlying failure; may be null
     */
    public LedgerAuthorizationException(String message, Throwable cause) {
        super(message, cause);
    }
}
