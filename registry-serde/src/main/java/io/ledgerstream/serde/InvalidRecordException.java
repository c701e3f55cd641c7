package io.ledgerstream.serde;

/**
 * A record cannot be encoded: it does not match the serializer's schema, or a field holds a value its schema does not
 * allow (e.g. null in a non-nullable field).
 */
public final class InvalidRecordException extends RegistrySerdeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is wrong with the record, not null
     * @param cause the encoding failure, may be null
     */
    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
