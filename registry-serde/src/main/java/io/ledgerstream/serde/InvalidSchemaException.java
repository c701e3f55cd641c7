package io.ledgerstream.serde;

/**
 * A schema is unusable: the registry rejected it as invalid (HTTP 422), or the registry returned a schema that is not
 * a parsable, self-contained Avro schema (another schema type, or schema references, which this module does not
 * support).
 */
public final class InvalidSchemaException extends RegistrySerdeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is wrong, not null
     */
    public InvalidSchemaException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what is wrong, not null
     * @param cause the parse failure, may be null
     */
    public InvalidSchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
