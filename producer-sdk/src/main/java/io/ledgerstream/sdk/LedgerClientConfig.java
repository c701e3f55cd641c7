package io.ledgerstream.sdk;

import io.ledgerstream.serde.RegistryClientConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Typed, validated settings of a {@link LedgerClient} and of {@link ResultStream}s, defined with Kafka's {@link
 * ConfigDef}: every key has a type, a default (or is required), a validator and a doc string, and a bad value fails
 * construction with a {@link ConfigException} naming the key and the value. The table in {@code docs/sdk.md} is
 * generated from {@link #configDef()} ({@link #markdownReference()}) and checked by a test.
 *
 * <p>Required: {@value #BOOTSTRAP_SERVERS}, {@value #REGISTRY_URL} and {@value #CLIENT_ID}. The {@code registry.*}
 * keys are those of {@link RegistryClientConfig}. Keys prefixed {@value #KAFKA_PREFIX} pass through, unprefixed, to
 * the Kafka producer and consumers (security settings, tuning); those the exactly-once guarantee depends on ({@link
 * #PROTECTED_KAFKA_KEYS}) are set by the SDK itself and may not be overridden. Any other key is rejected, so a typo
 * fails loudly instead of being ignored.
 *
 * <p>Immutable and thread-safe.
 */
public final class LedgerClientConfig {

    /** Kafka bootstrap servers, {@code host:port[,host:port...]}. Required. */
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

    /** Base URL of the schema registry's Confluent-compatible API. Required. */
    public static final String REGISTRY_URL = RegistryClientConfig.URL;

    /** Whether the SDK registers the command schema when missing (off in production). */
    public static final String REGISTRY_AUTO_REGISTER = RegistryClientConfig.AUTO_REGISTER;

    /** The client's ID and reply target: outcomes of its commands come back on this ID's outcome partition. */
    public static final String CLIENT_ID = "client.id";

    /** The producer's transactional ID; defaults to {@code ledgerstream-sdk-<client.id>}. */
    public static final String TRANSACTIONAL_ID = "transactional.id";

    /** Topic of commands (same key and default as the engine's). */
    public static final String TOPIC_COMMANDS = "topic.commands";

    /** Topic of outcomes (same key and default as the engine's). */
    public static final String TOPIC_OUTCOMES = "topic.outcomes";

    /** Topic of ledger events (same key and default as the engine's). */
    public static final String TOPIC_EVENTS = "topic.events";

    /** How long a submitted command may wait for its outcome, in milliseconds. */
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";

    /** Most requests waiting for outcomes at once, per client. */
    public static final String MAX_IN_FLIGHT_REQUESTS = "max.in.flight.requests";

    /** How long {@code submit} blocks when the in-flight bound is reached, in milliseconds. */
    public static final String ENQUEUE_TIMEOUT_MS = "enqueue.timeout.ms";

    /** Most commands published in one Kafka transaction (a larger {@code submitAll} still gets one transaction). */
    public static final String PUBLISH_BATCH_MAX = "publish.batch.max";

    /** How many times a publication that failed with a retriable error is retried. */
    public static final String RETRIES_MAX = "retries.max";

    /** Backoff before the first retry, in milliseconds; doubles per retry. */
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";

    /** Upper bound of the backoff between retries, in milliseconds. */
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";

    /** How long {@code close()} waits for pending requests and for the Kafka clients, in milliseconds. */
    public static final String CLOSE_TIMEOUT_MS = "close.timeout.ms";

    /** Most records a result stream fetches per poll, i.e. between two offset commits. */
    public static final String STREAM_POLL_RECORDS_MAX = "stream.poll.records.max";

    /** Prefix of keys passed through to the Kafka clients. */
    public static final String KAFKA_PREFIX = "kafka.";

    /**
     * Kafka client settings the SDK sets itself and a {@value #KAFKA_PREFIX} key may not override: the safety
     * settings ({@code enable.idempotence=true}, {@code acks=all}, {@code transactional.id}, {@code
     * isolation.level=read_committed}, the consistent-hash partitioner, no auto-commit) and the ones it derives from
     * this config.
     */
    public static final Set<String> PROTECTED_KAFKA_KEYS = Set.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ProducerConfig.ACKS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.PARTITIONER_CLASS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.CLIENT_ID_CONFIG);

    private static final Pattern CLIENT_ID_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern TRANSACTIONAL_ID_PATTERN = Pattern.compile("[A-Za-z0-9._:-]{1,200}");
    private static final Pattern TOPIC_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    private static final ConfigDef DEFINITION = buildDefinition();

    private final AbstractConfig parsed;
    private final RegistryClientConfig registry;

    private LedgerClientConfig(Map<String, ?> originals) {
        Objects.requireNonNull(originals, "originals");
        for (Map.Entry<String, ?> entry : originals.entrySet()) {
            String key = Objects.requireNonNull(entry.getKey(), "a configuration key is null");
            if (key.startsWith(KAFKA_PREFIX)) {
                String kafkaKey = key.substring(KAFKA_PREFIX.length());
                if (PROTECTED_KAFKA_KEYS.contains(kafkaKey)) {
                    throw new ConfigException(
                            key,
                            entry.getValue(),
                            "may not be overridden: the SDK sets " + kafkaKey
                                    + " itself (exactly-once safety, or derived from this config)");
                }
            } else if (!DEFINITION.names().contains(key)) {
                throw new ConfigException(
                        key,
                        entry.getValue(),
                        "unknown configuration key (Kafka client settings take the prefix '" + KAFKA_PREFIX + "')");
            }
        }
        this.parsed = new AbstractConfig(DEFINITION, originals, false);
        if (parsed.getLong(RETRY_BACKOFF_MAX_MS) < parsed.getLong(RETRY_BACKOFF_MS)) {
            throw new ConfigException(
                    RETRY_BACKOFF_MAX_MS,
                    parsed.getLong(RETRY_BACKOFF_MAX_MS),
                    "must be at least " + RETRY_BACKOFF_MS + " (" + parsed.getLong(RETRY_BACKOFF_MS) + ")");
        }
        Map<String, Object> registryProps = new HashMap<>();
        for (String name : RegistryClientConfig.configDef().names()) {
            if (originals.containsKey(name)) {
                registryProps.put(name, originals.get(name));
            }
        }
        this.registry = RegistryClientConfig.fromMap(registryProps);
    }

    /**
     * Returns the definitions of every key, e.g. to generate documentation.
     *
     * @return a new definition, never null
     */
    public static ConfigDef configDef() {
        return new ConfigDef(DEFINITION);
    }

    /**
     * Parses and validates settings.
     *
     * @param originals key/value pairs; values may be strings or typed values; not null
     * @return the validated config, never null
     * @throws ConfigException naming the key and value at fault (a missing required key, a bad value, an unknown key
     *     or a protected {@value #KAFKA_PREFIX} key)
     */
    public static LedgerClientConfig fromMap(Map<String, ?> originals) {
        return new LedgerClientConfig(new HashMap<>(Objects.requireNonNull(originals, "originals")));
    }

    /**
     * Parses and validates settings from properties, e.g. loaded from a file.
     *
     * @param properties the settings; not null
     * @return the validated config, never null
     * @throws ConfigException naming the key and value at fault
     */
    public static LedgerClientConfig fromProperties(Properties properties) {
        Objects.requireNonNull(properties, "properties");
        Map<String, Object> map = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return fromMap(map);
    }

    /**
     * Returns a builder for settings given in code.
     *
     * @return a new, empty builder, never null
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the bootstrap servers.
     *
     * @return {@code host:port[,host:port...]}, never null
     */
    public String bootstrapServers() {
        return String.join(",", parsed.getList(BOOTSTRAP_SERVERS));
    }

    /**
     * Returns the registry settings (every {@code registry.*} key).
     *
     * @return the validated registry config, never null
     */
    public RegistryClientConfig registry() {
        return registry;
    }

    /**
     * Returns the client ID, which is also the reply target of the client's commands.
     *
     * @return 1 to 100 characters of {@code [A-Za-z0-9._-]}, never null
     */
    public String clientId() {
        return parsed.getString(CLIENT_ID);
    }

    /**
     * Returns the producer's transactional ID: {@value #TRANSACTIONAL_ID} if set, else {@code
     * ledgerstream-sdk-<client.id>}.
     *
     * @return 1 to 200 characters of {@code [A-Za-z0-9._:-]}, never null
     */
    public String transactionalId() {
        String explicit = parsed.getString(TRANSACTIONAL_ID);
        return explicit != null ? explicit : "ledgerstream-sdk-" + clientId();
    }

    /**
     * Returns the commands topic.
     *
     * @return a legal topic name, never null
     */
    public String commandsTopic() {
        return parsed.getString(TOPIC_COMMANDS);
    }

    /**
     * Returns the outcomes topic.
     *
     * @return a legal topic name, never null
     */
    public String outcomesTopic() {
        return parsed.getString(TOPIC_OUTCOMES);
    }

    /**
     * Returns the ledger events topic.
     *
     * @return a legal topic name, never null
     */
    public String eventsTopic() {
        return parsed.getString(TOPIC_EVENTS);
    }

    /**
     * Returns how long a submitted command may wait for its outcome.
     *
     * @return between 1 ms and 1 hour, never null
     */
    public Duration requestTimeout() {
        return Duration.ofMillis(parsed.getLong(REQUEST_TIMEOUT_MS));
    }

    /**
     * Returns the most requests waiting for outcomes at once.
     *
     * @return between 1 and 100,000
     */
    public int maxInFlightRequests() {
        return parsed.getInt(MAX_IN_FLIGHT_REQUESTS);
    }

    /**
     * Returns how long {@code submit} blocks when the in-flight bound is reached.
     *
     * @return between 0 (fail at once) and 1 hour, never null
     */
    public Duration enqueueTimeout() {
        return Duration.ofMillis(parsed.getLong(ENQUEUE_TIMEOUT_MS));
    }

    /**
     * Returns the most commands published in one Kafka transaction.
     *
     * @return between 1 and 10,000
     */
    public int publishBatchMax() {
        return parsed.getInt(PUBLISH_BATCH_MAX);
    }

    /**
     * Returns how many times a publication failing with a retriable error is retried.
     *
     * @return between 0 and 100
     */
    public int retriesMax() {
        return parsed.getInt(RETRIES_MAX);
    }

    /**
     * Returns the backoff before the first retry.
     *
     * @return between 1 ms and 1 minute, never null
     */
    public Duration retryBackoff() {
        return Duration.ofMillis(parsed.getLong(RETRY_BACKOFF_MS));
    }

    /**
     * Returns the upper bound of the backoff between retries.
     *
     * @return at least {@link #retryBackoff()}, at most 5 minutes, never null
     */
    public Duration retryBackoffMax() {
        return Duration.ofMillis(parsed.getLong(RETRY_BACKOFF_MAX_MS));
    }

    /**
     * Returns how long {@code close()} waits.
     *
     * @return between 0 and 10 minutes, never null
     */
    public Duration closeTimeout() {
        return Duration.ofMillis(parsed.getLong(CLOSE_TIMEOUT_MS));
    }

    /**
     * Returns the most records a result stream handles between two offset commits.
     *
     * @return between 1 and 10,000
     */
    public int streamPollRecordsMax() {
        return parsed.getInt(STREAM_POLL_RECORDS_MAX);
    }

    /**
     * Returns the {@value #KAFKA_PREFIX} settings with the prefix removed.
     *
     * @return a new map, never null; never contains a {@link #PROTECTED_KAFKA_KEYS protected key}
     */
    public Map<String, Object> kafkaPassThrough() {
        return new HashMap<>(parsed.originalsWithPrefix(KAFKA_PREFIX, true));
    }

    /**
     * Returns the settings as given (with typed values), e.g. to derive a config with one key changed.
     *
     * @return a new map, never null
     */
    public Map<String, Object> originals() {
        return new HashMap<>(parsed.originals());
    }

    /**
     * Returns the configuration reference as a Markdown table, generated from {@link #configDef()}.
     *
     * @return the table, one row per key, never null
     */
    public static String markdownReference() {
        StringBuilder s = new StringBuilder()
                .append("| key | type | default | valid values | description |\n")
                .append("|---|---|---|---|---|\n");
        Map<String, ConfigDef.ConfigKey> keys = new TreeMap<>(DEFINITION.configKeys());
        for (ConfigDef.ConfigKey key : keys.values()) {
            String shown = !key.hasDefault() ? "(required)" : String.valueOf(key.defaultValue);
            if (key.type == Type.LIST && key.hasDefault() && key.defaultValue instanceof List<?> list) {
                shown = String.join(",", list.stream().map(String::valueOf).toList());
            }
            s.append("| `")
                    .append(key.name)
                    .append("` | ")
                    .append(key.type.name().toLowerCase(java.util.Locale.ROOT))
                    .append(" | `")
                    .append(shown)
                    .append("` | ")
                    .append(
                            key.validator == null
                                    ? ""
                                    : key.validator.toString().replace("|", "\\|"))
                    .append(" | ")
                    .append(key.documentation.replace("|", "\\|"))
                    .append(" |\n");
        }
        return s.toString();
    }

    /** Returns the settings, without pass-through values (they may hold credentials). */
    @Override
    public String toString() {
        return "LedgerClientConfig{bootstrapServers=" + bootstrapServers() + ", clientId=" + clientId()
                + ", transactionalId=" + transactionalId() + ", commandsTopic=" + commandsTopic()
                + ", outcomesTopic=" + outcomesTopic() + ", eventsTopic=" + eventsTopic() + ", requestTimeoutMs="
                + requestTimeout().toMillis() + ", maxInFlightRequests=" + maxInFlightRequests() + ", registry="
                + registry + ", kafkaKeys=" + new TreeMap<>(kafkaPassThrough()).keySet() + "}";
    }

    private static ConfigDef buildDefinition() {
        ConfigDef def = new ConfigDef()
                .define(
                        BOOTSTRAP_SERVERS,
                        Type.LIST,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new HostPortListValidator(),
                        Importance.HIGH,
                        "Kafka bootstrap servers, host:port[,host:port...].")
                .define(
                        CLIENT_ID,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new PatternValidator(CLIENT_ID_PATTERN, "1 to 100 characters of [A-Za-z0-9._-]"),
                        Importance.HIGH,
                        "This client's ID and reply target: the engine sends the outcomes of its commands to the"
                                + " outcome partition chosen by the consistent hash of this ID, the only partition"
                                + " the client reads. Keep it stable per application instance (e.g."
                                + " payments-api-0): it also names the default transactional ID.")
                .define(
                        TRANSACTIONAL_ID,
                        Type.STRING,
                        null,
                        new PatternValidator(TRANSACTIONAL_ID_PATTERN, "1 to 200 characters of [A-Za-z0-9._:-]"),
                        Importance.MEDIUM,
                        "Kafka transactional ID of the client's producer; unset: ledgerstream-sdk-${client.id}."
                                + " Must be stable per instance and unique among running instances: a restarted"
                                + " instance with the same ID fences its predecessor and aborts its open"
                                + " transaction; two running instances with the same ID fence each other.")
                .define(
                        TOPIC_COMMANDS,
                        Type.STRING,
                        "ledger.commands",
                        new PatternValidator(TOPIC_PATTERN, "legal topic name"),
                        Importance.MEDIUM,
                        "Topic the client publishes commands to (key: account ID).")
                .define(
                        TOPIC_OUTCOMES,
                        Type.STRING,
                        "ledger.outcomes",
                        new PatternValidator(TOPIC_PATTERN, "legal topic name"),
                        Importance.MEDIUM,
                        "Topic of outcomes (key: reply target). Its partition count is read from the cluster at"
                                + " start-up.")
                .define(
                        TOPIC_EVENTS,
                        Type.STRING,
                        "ledger.events",
                        new PatternValidator(TOPIC_PATTERN, "legal topic name"),
                        Importance.LOW,
                        "Topic of ledger events, read by event result streams.")
                .define(
                        REQUEST_TIMEOUT_MS,
                        Type.LONG,
                        30_000L,
                        Range.between(1, Duration.ofHours(1).toMillis()),
                        Importance.HIGH,
                        "How long a submitted command may wait for its outcome, in milliseconds, counted from"
                                + " submit; then its future fails with LedgerTimeoutException (checked about every"
                                + " 100 ms). Must stay far below the engine's dedup.retention.ms.")
                .define(
                        MAX_IN_FLIGHT_REQUESTS,
                        Type.INT,
                        10_000,
                        Range.between(1, 100_000),
                        Importance.MEDIUM,
                        "Most requests waiting for outcomes at once; submit blocks for up to"
                                + " enqueue.timeout.ms when reached, then throws LedgerBackpressureException. By"
                                + " Little's law one client completes at most this many requests per outcome"
                                + " latency: with cross-partition transfers taking about three engine commit"
                                + " intervals, 10 000 allows ~30 000 requests/s (1 000 capped the benchmark near"
                                + " 3 000/s). Each pending request holds its command and a future until its outcome arrives.")
                .define(
                        ENQUEUE_TIMEOUT_MS,
                        Type.LONG,
                        10_000L,
                        Range.between(0, Duration.ofHours(1).toMillis()),
                        Importance.MEDIUM,
                        "How long submit blocks for room when max.in.flight.requests requests are pending, in"
                                + " milliseconds; 0 fails at once.")
                .define(
                        PUBLISH_BATCH_MAX,
                        Type.INT,
                        100,
                        Range.between(1, 10_000),
                        Importance.LOW,
                        "Most commands the client puts in one Kafka transaction when several submits are waiting"
                                + " (group commit). A submitAll is never split, however large.")
                .define(
                        RETRIES_MAX,
                        Type.INT,
                        5,
                        Range.between(0, 100),
                        Importance.MEDIUM,
                        "How many times a publication that failed with a retriable Kafka error is aborted and"
                                + " retried (same request IDs) before its futures fail.")
                .define(
                        RETRY_BACKOFF_MS,
                        Type.LONG,
                        100L,
                        Range.between(1, 60_000),
                        Importance.LOW,
                        "Backoff before the first retry, in milliseconds; doubles per retry up to"
                                + " retry.backoff.max.ms, each wait drawn from its upper half.")
                .define(
                        RETRY_BACKOFF_MAX_MS,
                        Type.LONG,
                        5_000L,
                        Range.between(1, 300_000),
                        Importance.LOW,
                        "Upper bound of the backoff between retries, in milliseconds; at least retry.backoff.ms.")
                .define(
                        CLOSE_TIMEOUT_MS,
                        Type.LONG,
                        10_000L,
                        Range.between(0, Duration.ofMinutes(10).toMillis()),
                        Importance.LOW,
                        "How long close() waits for pending requests to complete and for the Kafka clients to"
                                + " close, in milliseconds; requests still pending then fail with"
                                + " LedgerClientClosedException.")
                .define(
                        STREAM_POLL_RECORDS_MAX,
                        Type.INT,
                        500,
                        Range.between(1, 10_000),
                        Importance.LOW,
                        "Most records a result stream fetches per poll: the handler sees at most this many records"
                                + " between two offset commits (backpressure, and the most a crash can replay).");
        for (ConfigDef.ConfigKey key :
                RegistryClientConfig.configDef().configKeys().values()) {
            def.define(key);
        }
        return def;
    }

    /**
     * Builds a {@link LedgerClientConfig} from values given in code; validation is that of {@link #fromMap(Map)}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, Object> values = new HashMap<>();

        private Builder() {}

        /**
         * Sets {@value LedgerClientConfig#BOOTSTRAP_SERVERS}.
         *
         * @param bootstrapServers {@code host:port[,host:port...]}; not null
         * @return this builder
         */
        public Builder bootstrapServers(String bootstrapServers) {
            return set(BOOTSTRAP_SERVERS, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        }

        /**
         * Sets {@value LedgerClientConfig#REGISTRY_URL}.
         *
         * @param registryUrl the registry's Confluent-compatible API URL; not null
         * @return this builder
         */
        public Builder registryUrl(String registryUrl) {
            return set(REGISTRY_URL, Objects.requireNonNull(registryUrl, "registryUrl"));
        }

        /**
         * Sets {@value LedgerClientConfig#CLIENT_ID}.
         *
         * @param clientId the client's ID and reply target; not null
         * @return this builder
         */
        public Builder clientId(String clientId) {
            return set(CLIENT_ID, Objects.requireNonNull(clientId, "clientId"));
        }

        /**
         * Sets {@value LedgerClientConfig#REQUEST_TIMEOUT_MS}.
         *
         * @param requestTimeout how long a command may wait for its outcome; not null
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            return set(
                    REQUEST_TIMEOUT_MS,
                    Objects.requireNonNull(requestTimeout, "requestTimeout").toMillis());
        }

        /**
         * Sets any key, including {@value LedgerClientConfig#KAFKA_PREFIX} pass-through keys.
         *
         * @param key a key of this config; not null
         * @param value its value, typed or as a string; not null
         * @return this builder
         */
        public Builder set(String key, Object value) {
            values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Validates the values and builds the config.
         *
         * @return the config, never null
         * @throws ConfigException naming the key and value at fault
         */
        public LedgerClientConfig build() {
            return fromMap(values);
        }
    }

    /** Accepts a non-empty list of {@code host:port} entries. */
    private static final class HostPortListValidator implements ConfigDef.Validator {
        private static final Pattern HOST_PORT =
                Pattern.compile("[^\\s:,]+:[0-9]{1,5}|\\[[0-9a-fA-F:.]+\\]:[0-9]{1,5}");

        @Override
        public void ensureValid(String name, Object value) {
            if (!(value instanceof List<?> list) || list.isEmpty()) {
                throw new ConfigException(name, value, "must list at least one host:port");
            }
            for (Object entry : list) {
                if (entry == null || !HOST_PORT.matcher(entry.toString().trim()).matches()) {
                    throw new ConfigException(name, value, "entry '" + entry + "' is not host:port");
                }
            }
        }

        @Override
        public String toString() {
            return "non-empty list of host:port";
        }
    }

    /** Accepts strings matching a pattern; null passes (optional keys), a missing required key fails earlier. */
    private static final class PatternValidator implements ConfigDef.Validator {
        private final Pattern pattern;
        private final String description;

        PatternValidator(Pattern pattern, String description) {
            this.pattern = pattern;
            this.description = description;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && !pattern.matcher(value.toString()).matches()) {
                throw new ConfigException(name, value, "must be " + description);
            }
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
