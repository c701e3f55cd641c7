package io.ledgerstream.serde;

import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} pairing an {@link AvroSerializer} and an {@link AvroDeserializer} for one generated record
 * type, sharing one {@link RegistryClient}.
 *
 * <p>Built with {@link #AvroSerde(RegistryClient, Class, boolean, boolean)}, it uses the caller's client and never
 * closes it. Built with {@link #AvroSerde()} and configured by {@link #configure(Map, boolean)} (keys of {@link
 * AvroSerdeConfig}), it creates one client for both halves and closes it in {@link #close()}.
 *
 * <p>Thread-safe once constructed or configured.
 *
 * @param <T> the generated record type
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;
    private volatile RegistryClient ownedClient;
    private volatile boolean bound;

    /** Creates an unconfigured serde; {@link #configure(Map, boolean)} must be called before use. */
    public AvroSerde() {
        this.serializer = new AvroSerializer<>();
        this.deserializer = new AvroDeserializer<>();
    }

    /**
     * Creates a ready serde.
     *
     * @param client the registry client, not null; owned by the caller
     * @param type the generated record class, not null
     * @param isKey whether this serde handles record keys or values
     * @param autoRegister whether the serializer registers the schema if it is not registered yet
     */
    public AvroSerde(RegistryClient client, Class<T> type, boolean isKey, boolean autoRegister) {
        Objects.requireNonNull(client, "client");
        this.serializer = new AvroSerializer<>(client, type, isKey, autoRegister);
        this.deserializer = new AvroDeserializer<>(client, type, isKey);
        this.bound = true;
    }

    /**
     * Configures a serde created with {@link #AvroSerde()}; ignored if it is already bound.
     *
     * @throws org.apache.kafka.common.config.ConfigException if the config is invalid
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Objects.requireNonNull(configs, "configs");
        synchronized (this) {
            if (bound) {
                return;
            }
            AvroSerdeConfig config = AvroSerdeConfig.fromMap(configs, isKey);
            RegistryClient client = new RegistryClient(config.registry());
            serializer.bind(client, config.avroType(), isKey, config.registry().autoRegister());
            deserializer.bind(client, config.avroType(), isKey);
            ownedClient = client;
            bound = true;
        }
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    /** Closes the registry client if this serde created it. Idempotent. */
    @Override
    public void close() {
        serializer.close();
        deserializer.close();
        RegistryClient client = ownedClient;
        if (client != null) {
            client.close();
        }
    }
}
