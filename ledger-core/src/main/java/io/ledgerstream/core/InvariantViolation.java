package io.ledgerstream.core;

/**
 * A broken invariant: a bug, or a corrupted log or state store (a version gap, a broken hash chain, a balance that
 * does not add up, an overflow that validation should have made impossible).
 *
 * <p>Never caught and ignored: it is meant to stop the stream task loudly so that nothing more is written on top of
 * an inconsistent ledger. Business rejections are {@link Decision.Rejected} values, never exceptions.
 */
public final class InvariantViolation extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was violated, with the values involved; not null
     */
    public InvariantViolation(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what was violated, with the values involved; not null
     * @param cause the underlying error, e.g. an {@link ArithmeticException}
     */
    public InvariantViolation(String message, Throwable cause) {
        super(message, cause);
    }
}
