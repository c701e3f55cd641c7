package io.ledgerstream.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Base class of every failure raised by this module: registry access, the wire format and Avro encoding.
 *
 * <p>It extends Kafka's {@link SerializationException} so that producers, consumers and Kafka Streams treat it as a
 * (de)serialization failure. Note that this includes {@link RegistryUnavailableException}, which signals broken
 * infrastructure rather than a poison record: an error handler that routes poison records to a dead-letter topic
 * should test for it and fail (or retry) instead.
 */
public class RegistrySerdeException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed, not null
     */
    public RegistrySerdeException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what failed, not null
     * @param cause the underlying failure, may be null
     */
    public RegistrySerdeException(String message, Throwable cause) {
        super(message, cause);
    }
}
