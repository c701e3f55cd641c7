package io.ledgerstream.serde;

/** The registry has no schema with the requested id (HTTP 404). */
public final class UnknownSchemaIdException extends RegistrySerdeException {

    private static final long serialVersionUID = 1L;

    private final int schemaId;

    /**
     * Creates an exception.
     *
     * @param schemaId the id that was not found
     * @param registryUrl the registry that was asked, not null
     */
    public UnknownSchemaIdException(int schemaId, String registryUrl) {
        super("Schema id " + schemaId + " not found in the schema registry at " + registryUrl);
        this.schemaId = schemaId;
    }

    /**
     * Returns the id that was not found.
     *
     * @return the schema id
     */
    public int schemaId() {
        return schemaId;
    }
}
