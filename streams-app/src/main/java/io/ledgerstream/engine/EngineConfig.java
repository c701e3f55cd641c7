package io.ledgerstream.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The engine's typed, validated configuration. Every key has a type, a default (or is required), a validator and
 * a doc string; a bad value fails at start-up naming the key and the value. {@code docs/configuration.md} is
 * generated from {@link #DEFINITION} (see {@code EngineConfigTest}). Keys prefixed {@code kafka.} are passed through,
 * unprefixed, to the Kafka Streams client (security settings, tuning), after the safety settings are checked not to
 * be weakened.
 */
public final class EngineConfig extends AbstractConfig {

    public static final String APPLICATION_ID = "application.id";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String REGISTRY_URL = "registry.url";
    public static final String REGISTRY_AUTO_REGISTER = "registry.auto.register";
    public static final String TOPIC_COMMANDS = "topic.commands";
    public static final String TOPIC_OUTCOMES = "topic.outcomes";
    public static final String TOPIC_EVENTS = "topic.events";
    public static final String TOPIC_TRANSFER_LEGS = "topic.transfer.legs";
    public static final String TOPIC_DEAD_LETTERS = "topic.dead.letters";
    public static final String PARTITIONS = "partitions";
    public static final String OUTCOME_PARTITIONS = "outcome.partitions";
    public static final String REPLICATION_FACTOR = "replication.factor";
    public static final String TOPICS_CREATE = "topics.create";
    public static final String DEDUP_RETENTION_MS = "dedup.retention.ms";
    public static final String DEDUP_PURGE_INTERVAL_MS = "dedup.purge.interval.ms";
    public static final String HOLD_EXPIRY_INTERVAL_MS = "hold.expiry.interval.ms";
    public static final String EXPIRY_BATCH_MAX = "expiry.batch.max";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";

    /** Off-heap memory budget of all RocksDB state stores of one instance; 0 leaves RocksDB's defaults. */
    public static final String ROCKSDB_MEMORY_MAX_BYTES = "rocksdb.memory.max.bytes";

    public static final String STATE_DIR = "state.dir";
    public static final String NUM_STREAM_THREADS = "num.stream.threads";
    public static final String REGISTRY_BASIC_AUTH_USER_INFO = "registry.basic.auth.user.info";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_HOST = "http.host";
    public static final String APPLICATION_SERVER = "application.server";
    public static final String HTTP_THREADS = "http.threads";
    public static final String HTTP_FORWARD_TIMEOUT_MS = "http.forward.timeout.ms";
    public static final String PASSTHROUGH_PREFIX = "kafka.";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    APPLICATION_ID,
                    Type.STRING,
                    "ledgerstream-engine",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Kafka Streams application ID: instances sharing it split the partitions. Part of every internal"
                            + " topic and store name; changing it starts from empty state.")
            .define(
                    BOOTSTRAP_SERVERS,
                    Type.LIST,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new NonEmptyList(),
                    Importance.HIGH,
                    "Kafka bootstrap servers, host:port[,host:port...].")
            .define(
                    REGISTRY_URL,
                    Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Base URL of a Confluent-compatible schema registry API"
                            + " (for Apicurio: http://host:port/apis/ccompat/v7).")
            .define(
                    REGISTRY_AUTO_REGISTER,
                    Type.BOOLEAN,
                    false,
                    Importance.MEDIUM,
                    "Register the service's output schemas when missing. Off in production: a schema missing from"
                            + " the registry is then a start-up error. The demo turns it on.")
            .define(
                    TOPIC_COMMANDS,
                    Type.STRING,
                    "ledger.commands",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Input topic of commands (key: account ID; value: CommandEnvelope).")
            .define(
                    TOPIC_OUTCOMES,
                    Type.STRING,
                    "ledger.outcomes",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Output topic of outcomes (key: reply target; value: Outcome).")
            .define(
                    TOPIC_EVENTS,
                    Type.STRING,
                    "ledger.events",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Output topic of ledger events, the audit log (key: account ID; value: LedgerEvent).")
            .define(
                    TOPIC_TRANSFER_LEGS,
                    Type.STRING,
                    "ledger.transfer-legs",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Internal topic of cross-partition transfer legs (key: account ID).")
            .define(
                    TOPIC_DEAD_LETTERS,
                    Type.STRING,
                    "ledger.dead-letters",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Dead-letter topic for records that cannot be decoded (value: DeadLetter).")
            .define(
                    PARTITIONS,
                    Type.INT,
                    8,
                    Range.between(1, 10_000),
                    Importance.HIGH,
                    "Partition count of the commands, events and transfer-legs topics; the consistent hash maps"
                            + " account IDs onto it. The service refuses to start if the topics disagree.")
            .define(
                    OUTCOME_PARTITIONS,
                    Type.INT,
                    8,
                    Range.between(1, 10_000),
                    Importance.MEDIUM,
                    "Partition count of the outcomes topic; the consistent hash maps reply targets onto it.")
            .define(
                    REPLICATION_FACTOR,
                    Type.SHORT,
                    (short) 3,
                    Range.between(1, 32),
                    Importance.HIGH,
                    "Replication factor for topics the service creates, including Kafka Streams' internal ones.")
            .define(
                    TOPICS_CREATE,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Create missing topics at start-up. Existing topics are always verified (partition count and"
                            + " cleanup policy) and a mismatch stops start-up.")
            .define(
                    DEDUP_RETENTION_MS,
                    Type.LONG,
                    Duration.ofDays(7).toMillis(),
                    Range.atLeast(Duration.ofMinutes(1).toMillis()),
                    Importance.HIGH,
                    "How long a request ID is remembered, counted from when it was first decided. A retry after"
                            + " this is treated as a new request.")
            .define(
                    DEDUP_PURGE_INTERVAL_MS,
                    Type.LONG,
                    60_000L,
                    Range.between(100, Duration.ofHours(1).toMillis()),
                    Importance.LOW,
                    "How often (wall clock) expired request IDs are purged.")
            .define(
                    HOLD_EXPIRY_INTERVAL_MS,
                    Type.LONG,
                    1_000L,
                    Range.between(10, 60_000),
                    Importance.LOW,
                    "How often (wall clock) holds past their expiry time are expired.")
            .define(
                    EXPIRY_BATCH_MAX,
                    Type.INT,
                    10_000,
                    Range.between(1, 1_000_000),
                    Importance.LOW,
                    "At most this many holds expired, or request IDs purged, per punctuation (bounds a transaction).")
            .define(
                    COMMIT_INTERVAL_MS,
                    Type.LONG,
                    100L,
                    Range.between(1, 60_000),
                    Importance.MEDIUM,
                    "Kafka Streams commit interval: how often the exactly-once transaction commits.")
            .define(
                    ROCKSDB_MEMORY_MAX_BYTES,
                    Type.LONG,
                    256L * 1024 * 1024,
                    ConfigDef.LambdaValidator.with(
                            (name, value) -> {
                                long v = (Long) value;
                                if (v != 0 && (v < 16L * 1024 * 1024 || v > 1L << 40)) {
                                    throw new ConfigException(name, value, "must be 0 or in [16 MiB, 1 TiB]");
                                }
                            },
                            () -> "0 or [16777216,...,1099511627776]"),
                    Importance.MEDIUM,
                    "Off-heap memory of all RocksDB state stores of this instance, in bytes: one block cache shared"
                            + " by every store (index and filter blocks included, so memory does not grow with the"
                            + " state), a quarter of it for memtables. 0 leaves RocksDB's per-store defaults, whose"
                            + " index and filter blocks grow with the state.")
            .define(
                    STATE_DIR,
                    Type.STRING,
                    System.getProperty("java.io.tmpdir") + "/ledgerstream-state",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Directory of the local RocksDB state stores.")
            .define(
                    NUM_STREAM_THREADS,
                    Type.INT,
                    1,
                    Range.between(1, 64),
                    Importance.MEDIUM,
                    "Stream threads in this instance.")
            .define(
                    REGISTRY_BASIC_AUTH_USER_INFO,
                    Type.PASSWORD,
                    null,
                    new UserInfo(),
                    Importance.MEDIUM,
                    "Schema registry HTTP basic-auth credentials, user:password. Unset: no authentication. A secret:"
                            + " never logged or shown in error messages.")
            .define(
                    io.ledgerstream.serde.RegistryClientConfig.SSL_TRUSTSTORE_LOCATION,
                    Type.STRING,
                    null,
                    Importance.MEDIUM,
                    "Trust store file for an https schema registry. Unset: the JVM's default trust store. Host names"
                            + " are always verified.")
            .define(
                    io.ledgerstream.serde.RegistryClientConfig.SSL_TRUSTSTORE_PASSWORD,
                    Type.PASSWORD,
                    null,
                    Importance.MEDIUM,
                    "Password of the registry trust store. A secret: never logged.")
            .define(
                    io.ledgerstream.serde.RegistryClientConfig.SSL_TRUSTSTORE_TYPE,
                    Type.STRING,
                    "PKCS12",
                    ConfigDef.ValidString.in("PKCS12", "JKS"),
                    Importance.LOW,
                    "Type of the registry trust store.")
            .define(
                    HTTP_PORT,
                    Type.INT,
                    -1,
                    Range.between(-1, 65_535),
                    Importance.MEDIUM,
                    "Port of the HTTP endpoints (/health/live, /health/ready, /metrics, /accounts/{id}). -1 (the"
                            + " default, so that an engine embedded in tests or tools never claims a port): disabled,"
                            + " and no account queries; 0: a free port, reported in the start-up log. The container"
                            + " image and compose.yaml use 8080.")
            .define(
                    HTTP_HOST,
                    Type.STRING,
                    "0.0.0.0",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Address the HTTP endpoints bind to. 0.0.0.0: every interface (containers); 127.0.0.1: this host"
                            + " only.")
            .define(
                    APPLICATION_SERVER,
                    Type.STRING,
                    "",
                    new HostPortOrEmpty(),
                    Importance.MEDIUM,
                    "host:port at which the other instances reach this instance's HTTP endpoints, for account"
                            + " queries answered by the instance that owns the account (Kafka Streams'"
                            + " application.server). Empty: http.host (or, when it is a wildcard, this machine's host"
                            + " name) and the bound HTTP port.")
            .define(
                    HTTP_THREADS,
                    Type.INT,
                    4,
                    Range.between(1, 64),
                    Importance.LOW,
                    "Threads answering HTTP requests. At most 16 more requests per thread wait; beyond that the"
                            + " accepting thread answers one itself, so new connections wait in the TCP backlog"
                            + " (backpressure).")
            .define(
                    HTTP_FORWARD_TIMEOUT_MS,
                    Type.LONG,
                    5_000L,
                    Range.between(100, 60_000),
                    Importance.LOW,
                    "Timeout of an account query forwarded to the instance that owns the account (connect and"
                            + " answer); on expiry the caller gets 504.");

    /**
     * Parses and validates a configuration.
     *
     * @param props key/value pairs; unknown keys other than {@code kafka.*} are rejected
     * @throws ConfigException naming the key and value at fault
     */
    public EngineConfig(Map<?, ?> props) {
        super(DEFINITION, Objects.requireNonNull(props, "props"), false);
        for (Object key : props.keySet()) {
            String k = String.valueOf(key);
            if (!DEFINITION.names().contains(k) && !k.startsWith(PASSTHROUGH_PREFIX)) {
                // the value is not shown: a mistyped key may well hold a password (e.g. sasl.jaas.config without
                // its prefix)
                throw new ConfigException(
                        k,
                        Password.HIDDEN,
                        "unknown configuration key (Kafka client settings take" + " the prefix '" + PASSTHROUGH_PREFIX
                                + "')");
            }
        }
    }

    public String applicationId() {
        return getString(APPLICATION_ID);
    }

    public String bootstrapServers() {
        return String.join(",", getList(BOOTSTRAP_SERVERS));
    }

    public String registryUrl() {
        return getString(REGISTRY_URL);
    }

    public boolean registryAutoRegister() {
        return getBoolean(REGISTRY_AUTO_REGISTER);
    }

    public String commandsTopic() {
        return getString(TOPIC_COMMANDS);
    }

    public String outcomesTopic() {
        return getString(TOPIC_OUTCOMES);
    }

    public String eventsTopic() {
        return getString(TOPIC_EVENTS);
    }

    public String transferLegsTopic() {
        return getString(TOPIC_TRANSFER_LEGS);
    }

    public String deadLettersTopic() {
        return getString(TOPIC_DEAD_LETTERS);
    }

    public int partitions() {
        return getInt(PARTITIONS);
    }

    public int outcomePartitions() {
        return getInt(OUTCOME_PARTITIONS);
    }

    public short replicationFactor() {
        return getShort(REPLICATION_FACTOR);
    }

    public boolean topicsCreate() {
        return getBoolean(TOPICS_CREATE);
    }

    public long dedupRetentionMs() {
        return getLong(DEDUP_RETENTION_MS);
    }

    public long dedupPurgeIntervalMs() {
        return getLong(DEDUP_PURGE_INTERVAL_MS);
    }

    public long holdExpiryIntervalMs() {
        return getLong(HOLD_EXPIRY_INTERVAL_MS);
    }

    public int expiryBatchMax() {
        return getInt(EXPIRY_BATCH_MAX);
    }

    public long commitIntervalMs() {
        return getLong(COMMIT_INTERVAL_MS);
    }

    /** {@value #ROCKSDB_MEMORY_MAX_BYTES}; 0 when RocksDB keeps its defaults. */
    public long rocksDbMemoryMaxBytes() {
        return getLong(ROCKSDB_MEMORY_MAX_BYTES);
    }

    public String stateDir() {
        return getString(STATE_DIR);
    }

    public int numStreamThreads() {
        return getInt(NUM_STREAM_THREADS);
    }

    /** Registry basic-auth credentials, or null; a {@link Password} so that it is never printed. */
    public Password registryBasicAuthUserInfo() {
        return getPassword(REGISTRY_BASIC_AUTH_USER_INFO);
    }

    /** HTTP port: -1 disabled, 0 any free port. */
    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    public boolean httpEnabled() {
        return httpPort() >= 0;
    }

    public String httpHost() {
        return getString(HTTP_HOST);
    }

    /** The configured {@code application.server}, or empty when it is to be derived from the bound HTTP address. */
    public String applicationServer() {
        return getString(APPLICATION_SERVER);
    }

    public int httpThreads() {
        return getInt(HTTP_THREADS);
    }

    public long httpForwardTimeoutMs() {
        return getLong(HTTP_FORWARD_TIMEOUT_MS);
    }

    /** Shows every setting, with passwords and {@code kafka.*} values hidden (they may hold secrets). */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("EngineConfig{");
        for (String name : DEFINITION.names()) {
            Object value = values().get(name);
            s.append(name)
                    .append('=')
                    .append(value instanceof Password ? Password.HIDDEN : value)
                    .append(", ");
        }
        s.append("kafka.*=").append(kafkaPassThrough().keySet()).append('}');
        return s.toString();
    }

    /**
     * The configuration reference as Markdown, generated from {@link #DEFINITION}; {@code docs/configuration.md} is
     * this text (checked by {@code EngineConfigTest}).
     */
    public static String markdownReference() {
        StringBuilder s = new StringBuilder();
        s.append("# Engine configuration\n\n")
                .append("Generated from `EngineConfig.DEFINITION` by `EngineConfigTest`; do not edit by hand (run\n")
                .append("`./mvnw -pl streams-app test -Dtest=EngineConfigTest -Dledgerstream.docs.write=true`).\n\n")
                .append("Settings come from `--config <file>`, `--set key=value`, or environment variables\n")
                .append(
                        "`LEDGERSTREAM_<KEY>` (upper case, dots as underscores). Keys prefixed `kafka.` pass through,\n")
                .append(
                        "unprefixed, to the Kafka Streams client (e.g. `kafka.security.protocol`); the safety settings\n")
                .append(
                        "`processing.guarantee`, `acks`, `enable.idempotence` and `isolation.level` cannot be overridden.\n")
                .append(
                        "The engine's own admin client gets the `kafka.*` keys that are admin client settings (security,\n")
                .append(
                        "timeouts) and `kafka.admin.*` ones. As environment variables they are `LEDGERSTREAM_KAFKA_<KEY>`\n")
                .append(
                        "(e.g. `LEDGERSTREAM_KAFKA_SASL_JAAS_CONFIG`). Security settings: see [security.md](security.md).\n\n")
                .append("| key | type | default | valid values | importance | description |\n")
                .append("|---|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : DEFINITION.configKeys().values()) {
            Object def = key.defaultValue;
            String shown = !key.hasDefault() ? "(required)" : def == null ? "null" : String.valueOf(def);
            if (shown.isEmpty()) {
                shown = "\"\"";
            }
            if (key.name.equals(STATE_DIR)) {
                shown = "`${java.io.tmpdir}/ledgerstream-state`";
            } else {
                shown = "`" + shown + "`";
            }
            s.append("| `")
                    .append(key.name)
                    .append("` | ")
                    .append(key.type.name().toLowerCase())
                    .append(" | ")
                    .append(shown)
                    .append(" | ")
                    .append(
                            key.validator == null
                                    ? ""
                                    : key.validator.toString().replace("|", "\\|"))
                    .append(" | ")
                    .append(key.importance.name().toLowerCase())
                    .append(" | ")
                    .append(key.documentation.replace("|", "\\|"))
                    .append(" |\n");
        }
        return s.toString();
    }

    /** Validates {@code user:password}; never shows the value. */
    static final class UserInfo implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            String text = value instanceof Password p ? p.value() : String.valueOf(value);
            if (text.indexOf(':') <= 0) {
                throw new ConfigException(name, Password.HIDDEN, "must have the form user:password");
            }
        }

        @Override
        public String toString() {
            return "user:password";
        }
    }

    /** Validates {@code host:port} with a port in [1, 65535], or the empty string. */
    static final class HostPortOrEmpty implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String text = value == null ? "" : value.toString();
            if (text.isEmpty()) {
                return;
            }
            int colon = text.lastIndexOf(':');
            boolean valid = colon > 0 && colon < text.length() - 1;
            if (valid) {
                try {
                    int port = Integer.parseInt(text.substring(colon + 1));
                    valid = port >= 1 && port <= 65_535;
                } catch (NumberFormatException e) {
                    valid = false;
                }
            }
            if (!valid) {
                throw new ConfigException(name, value, "must be host:port with a port in [1, 65535], or empty");
            }
        }

        @Override
        public String toString() {
            return "host:port or empty";
        }
    }

    /** Validates a LIST setting: at least one non-blank element. */
    static final class NonEmptyList implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (!(value instanceof java.util.List<?> list)
                    || list.isEmpty()
                    || list.stream().anyMatch(v -> String.valueOf(v).isBlank())) {
                throw new ConfigException(name, value, "must be a non-empty list of non-blank values");
            }
        }

        @Override
        public String toString() {
            return "non-empty list";
        }
    }

    /** The {@code kafka.*} pass-through settings with the prefix removed. */
    public Map<String, Object> kafkaPassThrough() {
        return originalsWithPrefix(PASSTHROUGH_PREFIX, true);
    }
}
