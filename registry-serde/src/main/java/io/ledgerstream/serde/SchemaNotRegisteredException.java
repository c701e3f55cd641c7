package io.ledgerstream.serde;

/**
 * Auto-registration is off and the record's schema is not registered under the subject. Register it ahead of time
 * (the deployment's job) or enable {@code registry.auto.register}.
 */
public final class SchemaNotRegisteredException extends RegistrySerdeException {

    private static final long serialVersionUID = 1L;

    private final String subject;

    /**
     * Creates an exception.
     *
     * @param subject the subject looked up, not null
     * @param schemaName the full name of the schema that was not found, not null
     */
    public SchemaNotRegisteredException(String subject, String schemaName) {
        super("Schema " + schemaName + " is not registered under subject '" + subject
                + "' and auto-registration is off (" + RegistryClientConfig.AUTO_REGISTER + "=false)");
        this.subject = subject;
    }

    /**
     * Returns the subject looked up.
     *
     * @return the subject, never null
     */
    public String subject() {
        return subject;
    }
}
