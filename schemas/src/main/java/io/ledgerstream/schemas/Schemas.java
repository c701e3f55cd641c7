package io.ledgerstream.schemas;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Index of the top-level Avro records of ledgerstream: the values written to topics and to state stores.
 *
 * <p>Topic values ({@link CommandEnvelope}, {@link Outcome}, {@link LedgerEvent}, {@link TransferLeg}, {@link
 * DeadLetter}) are framed in the Confluent wire format and registered under {@code <topic>-value}. Store values
 * ({@link AccountRecord}, {@link DedupEntry}) are plain Avro binary. Every one of them must stay backward and
 * forward compatible with its committed previous versions; {@code SchemaEvolutionTest} enforces it.
 *
 * <p>Stateless and thread-safe.
 */
public final class Schemas {

    /** Every top-level record class, in a stable order. Immutable. */
    public static final List<Class<? extends SpecificRecord>> TOP_LEVEL = List.of(
            CommandEnvelope.class,
            Outcome.class,
            LedgerEvent.class,
            TransferLeg.class,
            DeadLetter.class,
            AccountRecord.class,
            DedupEntry.class);

    private Schemas() {}

    /**
     * Returns the Avro schema of a generated record class.
     *
     * @param type a generated specific record class, not null
     * @return its schema (the generated {@code SCHEMA$}), never null
     * @throws IllegalArgumentException if the class has no readable class schema
     */
    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        try {
            return (Schema) type.getMethod("getClassSchema").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("not a generated Avro record: " + type.getName(), e);
        }
    }
}
