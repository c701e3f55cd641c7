package io.ledgerstream.serde;

import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Typed configuration of {@link AvroSerializer}, {@link AvroDeserializer} and {@link AvroSerde} when Kafka creates
 * them from class names and calls {@code configure(configs, isKey)}: every key of {@link RegistryClientConfig} plus
 * the record type.
 *
 * <table>
 *   <caption>Keys besides the {@code registry.*} ones</caption>
 *   <tr><th>Key</th><th>Type</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>{@value #AVRO_TYPE}</td><td>class</td><td>(none)</td><td>the generated {@code SpecificRecord} class
 *       of the key or value</td></tr>
 *   <tr><td>{@value #AVRO_KEY_TYPE}</td><td>class</td><td>(none)</td><td>overrides {@value #AVRO_TYPE} for a key
 *       serde</td></tr>
 *   <tr><td>{@value #AVRO_VALUE_TYPE}</td><td>class</td><td>(none)</td><td>overrides {@value #AVRO_TYPE} for a
 *       value serde</td></tr>
 * </table>
 *
 * <p>The key- and value-specific keys let one consumer config hold Avro keys and values of different types. One of
 * them must resolve to a class implementing {@link SpecificRecord}.
 *
 * <p>Immutable and thread-safe.
 */
public final class AvroSerdeConfig {

    /** The generated Avro class serialized or deserialized, for keys and values alike. */
    public static final String AVRO_TYPE = "ledgerstream.avro.type";

    /** The generated Avro class of keys; takes precedence over {@value #AVRO_TYPE} for a key serde. */
    public static final String AVRO_KEY_TYPE = "ledgerstream.avro.key.type";

    /** The generated Avro class of values; takes precedence over {@value #AVRO_TYPE} for a value serde. */
    public static final String AVRO_VALUE_TYPE = "ledgerstream.avro.value.type";

    private final RegistryClientConfig registry;
    private final Class<? extends SpecificRecord> avroType;

    private AvroSerdeConfig(RegistryClientConfig registry, Class<? extends SpecificRecord> avroType) {
        this.registry = registry;
        this.avroType = avroType;
    }

    /**
     * Returns the definitions of every key: those of {@link RegistryClientConfig#configDef()} and the type keys.
     *
     * @return a new definition, never null
     */
    public static ConfigDef configDef() {
        ConfigDef.Validator specificRecordClass = (name, value) -> {
            if (value != null && !SpecificRecord.class.isAssignableFrom((Class<?>) value)) {
                throw new ConfigException(
                        name,
                        ((Class<?>) value).getName(),
                        "must be a generated Avro class implementing SpecificRecord");
            }
        };
        return RegistryClientConfig.configDef()
                .define(
                        AVRO_TYPE,
                        Type.CLASS,
                        null,
                        specificRecordClass,
                        Importance.HIGH,
                        "The generated Avro SpecificRecord class to serialize or deserialize.")
                .define(
                        AVRO_KEY_TYPE,
                        Type.CLASS,
                        null,
                        specificRecordClass,
                        Importance.MEDIUM,
                        "The generated Avro SpecificRecord class of keys; overrides " + AVRO_TYPE + " for keys.")
                .define(
                        AVRO_VALUE_TYPE,
                        Type.CLASS,
                        null,
                        specificRecordClass,
                        Importance.MEDIUM,
                        "The generated Avro SpecificRecord class of values; overrides " + AVRO_TYPE + " for values.");
    }

    /**
     * Parses and validates a config for a key or value serde. Keys not defined here are ignored.
     *
     * @param originals the raw config, e.g. a whole producer config, not null
     * @param isKey whether the serde handles keys
     * @return the validated config, never null
     * @throws ConfigException if a value is missing or invalid; the message names the key and the value
     */
    public static AvroSerdeConfig fromMap(Map<String, ?> originals, boolean isKey) {
        Objects.requireNonNull(originals, "originals");
        AbstractConfig parsed = new AbstractConfig(configDef(), originals, false);
        String specificKey = isKey ? AVRO_KEY_TYPE : AVRO_VALUE_TYPE;
        Class<?> type = parsed.getClass(specificKey);
        if (type == null) {
            type = parsed.getClass(AVRO_TYPE);
        }
        if (type == null) {
            throw new ConfigException("Missing required configuration \"" + specificKey + "\" or \"" + AVRO_TYPE
                    + "\": the generated Avro class to "
                    + (isKey ? "(de)serialize keys as" : "(de)serialize values as"));
        }
        return new AvroSerdeConfig(RegistryClientConfig.fromMap(originals), type.asSubclass(SpecificRecord.class));
    }

    /**
     * Returns the registry client settings.
     *
     * @return the config, never null
     */
    public RegistryClientConfig registry() {
        return registry;
    }

    /**
     * Returns the generated Avro class to (de)serialize.
     *
     * @return a class implementing {@link SpecificRecord}, never null
     */
    public Class<? extends SpecificRecord> avroType() {
        return avroType;
    }
}
