package io.ledgerstream.serde;

/**
 * Bytes cannot be decoded: too short for the wire format's header, or the Avro body does not match its writer schema
 * (truncated, trailing bytes, an out-of-range length, union branch or enum index, an invalid logical value).
 */
public final class CorruptPayloadException extends RegistrySerdeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is wrong with the bytes, not null
     */
    public CorruptPayloadException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what is wrong with the bytes, not null
     * @param cause the decoding failure, may be null
     */
    public CorruptPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
