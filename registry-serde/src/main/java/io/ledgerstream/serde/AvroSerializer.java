package io.ledgerstream.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serializes generated Avro records in the Confluent wire format ({@link WireFormat}), registering or looking up the
 * schema under the subject {@code <topic>-key} or {@code <topic>-value} ({@link SubjectNames}).
 *
 * <p>The writer schema is fixed: the record class's schema (or the schema given). With auto-registration on, the
 * schema is registered under the subject on first use; with it off (the default of {@link
 * RegistryClientConfig#AUTO_REGISTER}), it is only looked up and a missing registration fails with {@link
 * SchemaNotRegisteredException}, never registers. Ids are cached by the {@link RegistryClient}, so the registry is asked
 * once per subject.
 *
 * <p>Two ways to build one:
 *
 * <ul>
 *   <li>{@link #AvroSerializer(RegistryClient, Class, boolean, boolean)}: the caller owns the client and closes it;
 *       {@link #configure} is then ignored, and {@link #close()} does not close the client;
 *   <li>{@link #AvroSerializer()} followed by {@link #configure(Map, boolean)} with the keys of {@link
 *       AvroSerdeConfig}, as Kafka does for a serializer named in a client config; the serializer then owns its client
 *       and {@link #close()} closes it.
 * </ul>
 *
 * <p>{@code null} serializes to {@code null} (a tombstone). Failures are {@link RegistrySerdeException}s.
 *
 * <p>Thread-safe once constructed or configured: {@link #serialize} may be called from many threads at once.
 *
 * @param <T> the generated record type
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private static final Logger LOG = LoggerFactory.getLogger(AvroSerializer.class);

    /** Initial size of the output buffer, in bytes; it grows as needed. */
    private static final int INITIAL_BUFFER_BYTES = 256;

    private volatile Binding<T> binding;

    /** Creates an unconfigured serializer; {@link #configure(Map, boolean)} must be called before use. */
    public AvroSerializer() {}

    /**
     * Creates a ready serializer for a generated record class.
     *
     * @param client the registry client, not null; owned by the caller
     * @param type the generated record class, not null
     * @param isKey whether this serializes record keys (subject {@code <topic>-key}) or values ({@code
     *     <topic>-value})
     * @param autoRegister whether to register the schema if it is not registered under the subject yet
     */
    public AvroSerializer(RegistryClient client, Class<T> type, boolean isKey, boolean autoRegister) {
        this.binding = new Binding<>(
                Objects.requireNonNull(client, "client"),
                false,
                SpecificSchemas.schemaOf(type),
                SpecificSchemas.modelOf(type),
                isKey,
                autoRegister);
    }

    /**
     * Creates a ready serializer for the generated record class of a schema.
     *
     * @param client the registry client, not null; owned by the caller
     * @param schema the schema of a generated record class on the class path, not null
     * @param isKey whether this serializes record keys or values
     * @param autoRegister whether to register the schema if it is not registered under the subject yet
     * @throws IllegalArgumentException if no generated class exists for the schema
     */
    public AvroSerializer(RegistryClient client, Schema schema, boolean isKey, boolean autoRegister) {
        Class<?> type = SpecificSchemas.classOf(schema);
        this.binding = new Binding<>(
                Objects.requireNonNull(client, "client"),
                false,
                schema,
                SpecificSchemas.modelOf(type),
                isKey,
                autoRegister);
    }

    /**
     * Configures a serializer created with {@link #AvroSerializer()} from the keys of {@link AvroSerdeConfig}; creates
     * and owns a {@link RegistryClient}. Ignored if the serializer is already bound (built with a client, or
     * configured before).
     *
     * @throws org.apache.kafka.common.config.ConfigException if the config is invalid
     */
    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs, boolean isKey) {
        Objects.requireNonNull(configs, "configs");
        synchronized (this) {
            if (binding != null) {
                LOG.debug("AvroSerializer already bound; ignoring configure()");
                return;
            }
            AvroSerdeConfig config = AvroSerdeConfig.fromMap(configs, isKey);
            binding = new Binding<>(
                    new RegistryClient(config.registry()),
                    true,
                    SpecificSchemas.schemaOf(config.avroType()),
                    SpecificSchemas.modelOf(config.avroType()),
                    isKey,
                    config.registry().autoRegister());
        }
    }

    /** Binds a serializer created with {@link #AvroSerializer()} to a client owned by someone else. */
    void bind(RegistryClient client, Class<? extends SpecificRecord> type, boolean isKey, boolean autoRegister) {
        synchronized (this) {
            if (binding == null) {
                binding = new Binding<>(
                        client,
                        false,
                        SpecificSchemas.schemaOf(type),
                        SpecificSchemas.modelOf(type),
                        isKey,
                        autoRegister);
            }
        }
    }

    /**
     * Serializes a record.
     *
     * @param topic the topic the record is sent to, not null; it names the subject
     * @param data the record, or null
     * @return the framed bytes, or null if {@code data} is null
     * @throws InvalidRecordException if the record does not match the schema or cannot be encoded
     * @throws SchemaNotRegisteredException if auto-registration is off and the schema is not registered
     * @throws IncompatibleSchemaException if auto-registration is on and the registry refuses the schema
     * @throws RegistryUnavailableException if the registry cannot be reached after all retries
     */
    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Binding<T> bound = bound();
        if (topic == null) {
            throw new RegistrySerdeException(
                    "A topic is required to serialize with the registry: it names the subject");
        }
        Schema recordSchema = data.getSchema();
        if (recordSchema != bound.schema && !recordSchema.equals(bound.schema)) {
            throw new InvalidRecordException(
                    "Record of type " + recordSchema.getFullName() + " does not match this serializer's schema "
                            + bound.schema.getFullName(),
                    null);
        }
        int schemaId = bound.schemaId(topic);
        ByteArrayOutputStream out = new ByteArrayOutputStream(INITIAL_BUFFER_BYTES);
        WireFormat.writeHeader(out, schemaId);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            bound.writer.write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException(
                    "Cannot encode " + bound.schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Closes the registry client if this serializer created it. Idempotent. */
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
            throw new IllegalStateException("AvroSerializer is not configured: call configure() or use a constructor"
                    + " that takes a RegistryClient");
        }
        return bound;
    }

    /** Everything a configured serializer needs; immutable. */
    private static final class Binding<T> {
        final RegistryClient client;
        final boolean ownsClient;
        final Schema schema;
        final SpecificDatumWriter<T> writer;
        final boolean isKey;
        final boolean autoRegister;

        Binding(
                RegistryClient client,
                boolean ownsClient,
                Schema schema,
                org.apache.avro.specific.SpecificData model,
                boolean isKey,
                boolean autoRegister) {
            this.client = client;
            this.ownsClient = ownsClient;
            this.schema = schema;
            this.writer = new SpecificDatumWriter<>(schema, model);
            this.isKey = isKey;
            this.autoRegister = autoRegister;
        }

        int schemaId(String topic) {
            String subject = SubjectNames.forTopic(topic, isKey);
            if (autoRegister) {
                return client.register(subject, schema);
            }
            return client.lookup(subject, schema)
                    .orElseThrow(() -> new SchemaNotRegisteredException(subject, schema.getFullName()));
        }
    }
}
