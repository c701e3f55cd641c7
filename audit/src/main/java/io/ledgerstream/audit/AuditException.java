package io.ledgerstream.audit;

/**
 * The audit could not run: a usage error, a missing topic, or Kafka or the registry unreachable. Not a verdict on the
 * ledger (that is the {@link AuditReport}); the command line exits with code 2.
 */
public final class AuditException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the setting, topic or server; not null
     */
    public AuditException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong; not null
     * @param cause the underlying error
     */
    public AuditException(String message, Throwable cause) {
        super(message, cause);
    }
}
