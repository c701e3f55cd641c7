package io.ledgerstream.serde;

/**
 * A schema is incompatible with another: either the registry refused to register it under a subject (HTTP 409)
 * because it breaks the subject's compatibility rule, or a record's writer schema cannot be read with the reader
 * schema.
 */
public final class IncompatibleSchemaException extends RegistrySerdeException {

    private static final long serialVersionUID = 1L;

    private final String subject;

    private IncompatibleSchemaException(String message, String subject) {
        super(message);
        this.subject = subject;
    }

    /**
     * Creates the exception for a registration the registry refused.
     *
     * @param subject the subject, not null
     * @param registryMessage the registry's explanation, not null
     * @return the exception, never null
     */
    public static IncompatibleSchemaException registrationRefused(String subject, String registryMessage) {
        return new IncompatibleSchemaException(
                "Schema registry refused an incompatible schema for subject '" + subject + "': " + registryMessage,
                subject);
    }

    /**
     * Creates the exception for a writer schema that the reader schema cannot read.
     *
     * @param writerSchemaId the registry id of the writer schema
     * @param readerSchemaName the full name of the reader schema, not null
     * @param details what is incompatible, not null
     * @return the exception, never null
     */
    public static IncompatibleSchemaException unreadable(int writerSchemaId, String readerSchemaName, String details) {
        return new IncompatibleSchemaException(
                "Writer schema id " + writerSchemaId + " cannot be read as " + readerSchemaName + ": " + details, null);
    }

    /**
     * Returns the subject whose registration was refused.
     *
     * @return the subject, or null if the exception is about reading a record
     */
    public String subject() {
        return subject;
    }
}
