package io.ledgerstream.serde;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deserializes Confluent wire format payloads ({@link WireFormat}) into generated Avro records.
 *
 * <p>Each payload is read with its writer schema, fetched from the registry by the id in its header, resolved against
 * the reader schema (the generated class's schema), so records written with an older or newer compatible schema are
 * read as the current class: added fields get their defaults, removed fields are skipped. A writer schema the reader
 * cannot read fails with {@link IncompatibleSchemaException}.
 *
 * <p>Corrupt bytes always fail with a {@link RegistrySerdeException}: {@link CorruptPayloadException} (too short,
 * malformed or trailing Avro bytes, checked before Avro allocates anything, see {@link AvroBinaryValidator}), {@link
 * UnknownMagicByteException} or {@link UnknownSchemaIdException}; never with an unchecked exception from Avro's
 * internals.
 *
 * <p>One resolved reader per writer schema id is cached, at most {@link RegistryClientConfig#cacheEntriesMax()}.
 * Construction and ownership of the client work as for {@link AvroSerializer}. {@code null} deserializes to {@code
 * null}.
 *
 * <p>Thread-safe once constructed or configured.
 *
 * @param <T> the generated record type
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private static final Logger LOG = LoggerFactory.getLogger(AvroDeserializer.class);

    private volatile Binding<T> binding;

    /** Creates an unconfigured deserializer; {@link #configure(Map, boolean)} must be called before use. */
    public AvroDeserializer() {}

    /**
     * Creates a ready deserializer for a generated record class.
     *
     * @param client the registry client, not null; owned by the caller
     * @param type the generated record class, whose schema is the reader schema, not null
     * @param isKey whether this deserializes record keys or values (informational: the schema id is in the payload)
     */
    public AvroDeserializer(RegistryClient client, Class<T> type, boolean isKey) {
        this.binding = new Binding<>(
                Objects.requireNonNull(client, "client"),
                false,
                SpecificSchemas.schemaOf(type),
                SpecificSchemas.modelOf(type),
                isKey);
    }

    /**
     * Creates a ready deserializer with a reader schema whose generated class is on the class path.
     *
     * @param client the registry client, not null; owned by the caller
     * @param readerSchema the schema of a generated record class, not null
     * @param isKey whether this deserializes record keys or values
     * @throws IllegalArgumentException if no generated class exists for the schema
     */
    public AvroDeserializer(RegistryClient client, Schema readerSchema, boolean isKey) {
        Class<?> type = SpecificSchemas.classOf(readerSchema);
        this.binding = new Binding<>(
                Objects.requireNonNull(client, "client"), false, readerSchema, SpecificSchemas.modelOf(type), isKey);
    }

    /**
     * Configures a deserializer created with {@link #AvroDeserializer()} from the keys of {@link AvroSerdeConfig};
     * creates and owns a {@link RegistryClient}. Ignored if the deserializer is already bound.
     *
     * @throws org.apache.kafka.common.config.ConfigException if the config is invalid
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Objects.requireNonNull(configs, "configs");
        synchronized (this) {
            if (binding != null) {
                LOG.debug("AvroDeserializer already bound; ignoring configure()");
                return;
            }
            AvroSerdeConfig config = AvroSerdeConfig.fromMap(configs, isKey);
            binding = new Binding<>(
                    new RegistryClient(config.registry()),
                    true,
                    SpecificSchemas.schemaOf(config.avroType()),
                    SpecificSchemas.modelOf(config.avroType()),
                    isKey);
        }
    }

    /** Binds a deserializer created with {@link #AvroDeserializer()} to a client owned by someone else. */
    void bind(RegistryClient client, Class<? extends SpecificRecord> type, boolean isKey) {
        synchronized (this) {
            if (binding == null) {
                binding = new Binding<>(
                        client, false, SpecificSchemas.schemaOf(type), SpecificSchemas.modelOf(type), isKey);
            }
        }
    }

    /**
     * Deserializes a framed payload.
     *
     * @param topic the topic the payload came from, used in error messages; may be null
     * @param data the framed payload, or null
     * @return the record, or null if {@code data} is null
     * @throws CorruptPayloadException if the bytes are too short or not a valid encoding of the writer schema
     * @throws UnknownMagicByteException if the payload is not in the wire format
     * @throws UnknownSchemaIdException if the registry does not know the payload's schema id
     * @throws IncompatibleSchemaException if the writer schema cannot be read with the reader schema
     * @throws RegistryUnavailableException if the registry cannot be reached after all retries
     */
    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        Binding<T> bound = bound();
        int schemaId = WireFormat.schemaId(data);
        Reader<T> reader = bound.readers.computeIfAbsent(schemaId, bound::newReader);
        return reader.read(data, topic, schemaId);
    }

    /** Closes the registry client if this deserializer created it. Idempotent. */
    @Override
    public void close() {
        Binding<T> bound = binding;
        if (bound != null && bound.ownsClient) {
            bound.client.close();
        }
    }

    private Binding<T> bound() {
        Binding<T> bound = binding;
        if (bound == null) {
            throw new IllegalStateException("AvroDeserializer is not configured: call configure() or use a"
                    + " constructor that takes a RegistryClient");
        }
        return bound;
    }

    private static final class Binding<T> {
        final RegistryClient client;
        final boolean ownsClient;
        final Schema readerSchema;
        final SpecificData model;
        final boolean isKey;
        final BoundedCache<Integer, Reader<T>> readers;

        Binding(RegistryClient client, boolean ownsClient, Schema readerSchema, SpecificData model, boolean isKey) {
            this.client = client;
            this.ownsClient = ownsClient;
            this.readerSchema = readerSchema;
            this.model = model;
            this.isKey = isKey;
            this.readers = new BoundedCache<>(client.config().cacheEntriesMax());
        }

        Reader<T> newReader(int schemaId) {
            Schema writerSchema = client.schemaById(schemaId);
            SchemaCompatibility.SchemaPairCompatibility compatibility =
                    SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
            if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw IncompatibleSchemaException.unreadable(
                        schemaId,
                        readerSchema.getFullName(),
                        compatibility.getResult().getIncompatibilities().toString());
            }
            return new Reader<>(writerSchema, new SpecificDatumReader<>(writerSchema, readerSchema, model));
        }
    }

    /** Reads payloads of one writer schema. */
    private static final class Reader<T> {
        private final Schema writerSchema;
        private final AvroBinaryValidator validator;
        private final SpecificDatumReader<T> datumReader;

        Reader(Schema writerSchema, SpecificDatumReader<T> datumReader) {
            this.writerSchema = writerSchema;
            this.validator = new AvroBinaryValidator(writerSchema);
            this.datumReader = datumReader;
        }

        T read(byte[] data, String topic, int schemaId) {
            validator.validate(data, WireFormat.HEADER_LENGTH);
            try {
                BinaryDecoder decoder = DecoderFactory.get()
                        .binaryDecoder(data, WireFormat.HEADER_LENGTH, data.length - WireFormat.HEADER_LENGTH, null);
                return datumReader.read(null, decoder);
            } catch (IOException | RuntimeException e) {
                throw new CorruptPayloadException(
                        "Cannot decode a record of topic " + topic + " with writer schema id " + schemaId + " ("
                                + writerSchema.getFullName() + "): " + e,
                        e);
            }
        }
    }
}
