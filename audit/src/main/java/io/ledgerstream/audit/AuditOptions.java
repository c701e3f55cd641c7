package io.ledgerstream.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything an {@link Auditor} run needs, validated on {@link Builder#build()} (a bad value fails naming the
 * option and the value). Immutable and thread-safe.
 *
 * <pre>{@code
 * AuditReport report = Auditor.run(AuditOptions.builder(bootstrapServers, registryUrl)
 *         .eventsTopic("ledger.events")
 *         .outcomesTopic("ledger.outcomes")
 *         .compareLive("ledgerstream-engine")
 *         .build());
 * System.out.print(report.toText());
 * }</pre>
 */
public final class AuditOptions {

    /** Default events topic (the engine's {@code topic.events} default). */
    public static final String DEFAULT_EVENTS_TOPIC = "ledger.events";

    /** Default outcomes topic (the engine's {@code topic.outcomes} default). */
    public static final String DEFAULT_OUTCOMES_TOPIC = "ledger.outcomes";

    /** Default engine application ID (the engine's {@code application.id} default). */
    public static final String DEFAULT_APPLICATION_ID = "ledgerstream-engine";

    /** Default of {@link #timeoutMs()}: 30 s. */
    public static final long DEFAULT_TIMEOUT_MS = 30_000L;

    /** Upper bound of {@link #threads()}. */
    public static final int THREADS_MAX = 64;

    /**
     * Offsets per partition: one value for every partition, and/or values for single partitions (which win).
     *
     * @param all the offset for partitions not listed, or null (then the log start or end)
     * @param byPartition partition to offset; not null
     */
    public record Offsets(Long all, Map<Integer, Long> byPartition) {
        /**
         * Validates and copies.
         *
         * @param all see the record component
         * @param byPartition see the record component
         */
        public Offsets {
            byPartition = Map.copyOf(new TreeMap<>(byPartition));
            if (all != null && all < 0) {
                throw new IllegalArgumentException("offset must be >= 0, was " + all);
            }
            byPartition.forEach((p, o) -> {
                if (p < 0 || o < 0) {
                    throw new IllegalArgumentException("partition and offset must be >= 0, was " + p + ":" + o);
                }
            });
        }

        /**
         * Parses {@code N} (every partition) or {@code P:N[,P:N...]} (single partitions).
         *
         * @param text the text; not null
         * @return the offsets
         * @throws IllegalArgumentException if the text is malformed
         */
        public static Offsets parse(String text) {
            Objects.requireNonNull(text, "text");
            String trimmed = text.trim();
            try {
                if (!trimmed.contains(":")) {
                    return new Offsets(Long.parseLong(trimmed), Map.of());
                }
                Map<Integer, Long> byPartition = new LinkedHashMap<>();
                for (String part : trimmed.split(",")) {
                    String[] pair = part.trim().split(":", 2);
                    if (byPartition.put(Integer.parseInt(pair[0].trim()), Long.parseLong(pair[1].trim())) != null) {
                        throw new IllegalArgumentException("partition " + pair[0].trim() + " is given twice");
                    }
                }
                return new Offsets(null, byPartition);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException(
                        "expected an offset N or partition:offset pairs P:N,P:N, got '" + text + "'", e);
            }
        }

        /**
         * The offset for a partition.
         *
         * @param partition the partition
         * @return the offset, or null if neither a single value nor one for this partition was given
         */
        public Long forPartition(int partition) {
            Long one = byPartition.get(partition);
            return one != null ? one : all;
        }
    }

    private final String bootstrapServers;
    private final String registryUrl;
    private final String eventsTopic;
    private final String outcomesTopic;
    private final Offsets fromOffsets;
    private final Offsets toOffsets;
    private final Long fromTimeMs;
    private final Long toTimeMs;
    private final Set<String> accounts;
    private final Long asOfMs;
    private final String liveApplicationId;
    private final long inFlightGraceMs;
    private final int maxFindings;
    private final int threads;
    private final long timeoutMs;
    private final Map<String, String> consumerProperties;
    private final Map<String, String> registryProperties;

    private AuditOptions(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.registryUrl = b.registryUrl;
        this.eventsTopic = b.eventsTopic;
        this.outcomesTopic = b.outcomesTopic;
        this.fromOffsets = b.fromOffsets;
        this.toOffsets = b.toOffsets;
        this.fromTimeMs = b.fromTimeMs;
        this.toTimeMs = b.toTimeMs;
        this.accounts = Set.copyOf(new TreeSet<>(b.accounts));
        this.asOfMs = b.asOfMs;
        this.liveApplicationId = b.liveApplicationId;
        this.inFlightGraceMs = b.inFlightGraceMs;
        this.maxFindings = b.maxFindings;
        this.threads = b.threads;
        this.timeoutMs = b.timeoutMs;
        this.consumerProperties = Map.copyOf(b.consumerProperties);
        this.registryProperties = Map.copyOf(b.registryProperties);
    }

    /**
     * Starts options for a cluster and registry.
     *
     * @param bootstrapServers Kafka bootstrap servers, {@code host:port[,host:port...]}; not blank
     * @param registryUrl the schema registry's Confluent-compatible URL; not blank
     * @return a builder with every other option at its default
     */
    public static Builder builder(String bootstrapServers, String registryUrl) {
        return new Builder(bootstrapServers, registryUrl);
    }

    /**
     * Kafka bootstrap servers.
     *
     * @return the servers; never null
     */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Schema registry URL.
     *
     * @return the URL; never null
     */
    public String registryUrl() {
        return registryUrl;
    }

    /**
     * The events topic.
     *
     * @return the topic; never null
     */
    public String eventsTopic() {
        return eventsTopic;
    }

    /**
     * The outcomes topic, read whole (the range applies to the events topic only).
     *
     * @return the topic, or null when outcomes are not audited
     */
    public String outcomesTopic() {
        return outcomesTopic;
    }

    /**
     * Start offsets of the range (inclusive).
     *
     * @return the offsets, or null (the log start, or {@link #fromTimeMs()})
     */
    public Offsets fromOffsets() {
        return fromOffsets;
    }

    /**
     * End offsets of the range (exclusive).
     *
     * @return the offsets, or null (the log end at the start of the run, or {@link #toTimeMs()})
     */
    public Offsets toOffsets() {
        return toOffsets;
    }

    /**
     * Start time of the range (inclusive): the first offset whose timestamp is at or after it, per partition.
     *
     * @return epoch milliseconds, or null
     */
    public Long fromTimeMs() {
        return fromTimeMs;
    }

    /**
     * End time of the range (inclusive): offsets whose timestamp is after it are not read.
     *
     * @return epoch milliseconds, or null
     */
    public Long toTimeMs() {
        return toTimeMs;
    }

    /**
     * Accounts to audit.
     *
     * @return the account IDs; empty for all; unmodifiable
     */
    public Set<String> accounts() {
        return accounts;
    }

    /**
     * Time at which to report balances.
     *
     * @return epoch milliseconds, or null
     */
    public Long asOfMs() {
        return asOfMs;
    }

    /**
     * The engine application ID whose {@code <id>-accounts-changelog} is compared with the rebuilt accounts.
     *
     * @return the application ID, or null when --compare-live is off
     */
    public String liveApplicationId() {
        return liveApplicationId;
    }

    /**
     * How long a transfer may stay in flight, and an outcome may lag its events, before the end of the range.
     *
     * @return milliseconds, {@code >= 0}
     */
    public long inFlightGraceMs() {
        return inFlightGraceMs;
    }

    /**
     * How many findings to list per invariant.
     *
     * @return {@code >= 1}
     */
    public int maxFindings() {
        return maxFindings;
    }

    /**
     * Replay threads, each reading its own partitions; 0 picks one per available processor, bounded by the partition
     * count.
     *
     * @return {@code 0..}{@value #THREADS_MAX}
     */
    public int threads() {
        return threads;
    }

    /**
     * Bound on every wait for Kafka: metadata, offsets, and the time reading may make no progress.
     *
     * @return milliseconds
     */
    public long timeoutMs() {
        return timeoutMs;
    }

    /**
     * Extra Kafka consumer properties (security, tuning); the safety settings cannot be overridden.
     *
     * @return the properties; unmodifiable
     */
    public Map<String, String> consumerProperties() {
        return consumerProperties;
    }

    /**
     * Extra registry client properties ({@code registry.*} keys, e.g. basic auth).
     *
     * @return the properties; unmodifiable
     */
    public Map<String, String> registryProperties() {
        return registryProperties;
    }

    /** Builds {@link AuditOptions}. Not thread-safe. */
    public static final class Builder {
        private final String bootstrapServers;
        private final String registryUrl;
        private String eventsTopic = DEFAULT_EVENTS_TOPIC;
        private String outcomesTopic = DEFAULT_OUTCOMES_TOPIC;
        private Offsets fromOffsets;
        private Offsets toOffsets;
        private Long fromTimeMs;
        private Long toTimeMs;
        private Set<String> accounts = Set.of();
        private Long asOfMs;
        private String liveApplicationId;
        private long inFlightGraceMs = LedgerAudit.Settings.DEFAULT_IN_FLIGHT_GRACE_MS;
        private int maxFindings = LedgerAudit.Settings.DEFAULT_MAX_FINDINGS;
        private int threads;
        private long timeoutMs = DEFAULT_TIMEOUT_MS;
        private Map<String, String> consumerProperties = Map.of();
        private Map<String, String> registryProperties = Map.of();

        private Builder(String bootstrapServers, String registryUrl) {
            this.bootstrapServers = bootstrapServers;
            this.registryUrl = registryUrl;
        }

        /**
         * The events topic (default {@value AuditOptions#DEFAULT_EVENTS_TOPIC}).
         *
         * @param topic the topic; not blank
         * @return this builder
         */
        public Builder eventsTopic(String topic) {
            this.eventsTopic = topic;
            return this;
        }

        /**
         * The outcomes topic (default {@value AuditOptions#DEFAULT_OUTCOMES_TOPIC}).
         *
         * @param topic the topic, or null not to audit outcomes
         * @return this builder
         */
        public Builder outcomesTopic(String topic) {
            this.outcomesTopic = topic;
            return this;
        }

        /**
         * Start offsets (inclusive); exclusive with {@link #fromTimeMs}.
         *
         * @param offsets the offsets, or null
         * @return this builder
         */
        public Builder fromOffsets(Offsets offsets) {
            this.fromOffsets = offsets;
            return this;
        }

        /**
         * End offsets (exclusive); exclusive with {@link #toTimeMs}.
         *
         * @param offsets the offsets, or null
         * @return this builder
         */
        public Builder toOffsets(Offsets offsets) {
            this.toOffsets = offsets;
            return this;
        }

        /**
         * Start time (inclusive); exclusive with {@link #fromOffsets}.
         *
         * @param epochMs epoch milliseconds, or null
         * @return this builder
         */
        public Builder fromTimeMs(Long epochMs) {
            this.fromTimeMs = epochMs;
            return this;
        }

        /**
         * End time (inclusive); exclusive with {@link #toOffsets}.
         *
         * @param epochMs epoch milliseconds, or null
         * @return this builder
         */
        public Builder toTimeMs(Long epochMs) {
            this.toTimeMs = epochMs;
            return this;
        }

        /**
         * Accounts to audit (default: all).
         *
         * @param accountIds the account IDs; not null; empty for all
         * @return this builder
         */
        public Builder accounts(Set<String> accountIds) {
            this.accounts = Set.copyOf(accountIds);
            return this;
        }

        /**
         * Report balances at this time.
         *
         * @param epochMs epoch milliseconds, or null
         * @return this builder
         */
        public Builder asOfMs(Long epochMs) {
            this.asOfMs = epochMs;
            return this;
        }

        /**
         * Compare with the live state of this engine application ID (its {@code <id>-accounts-changelog}).
         *
         * @param applicationId the engine's {@code application.id}, or null not to compare
         * @return this builder
         */
        public Builder compareLive(String applicationId) {
            this.liveApplicationId = applicationId;
            return this;
        }

        /**
         * In-flight grace (default one minute).
         *
         * @param ms milliseconds, {@code >= 0}
         * @return this builder
         */
        public Builder inFlightGraceMs(long ms) {
            this.inFlightGraceMs = ms;
            return this;
        }

        /**
         * Findings listed per invariant (default {@value LedgerAudit.Settings#DEFAULT_MAX_FINDINGS}).
         *
         * @param max {@code 1..10000}
         * @return this builder
         */
        public Builder maxFindings(int max) {
            this.maxFindings = max;
            return this;
        }

        /**
         * Replay threads (default 0: automatic).
         *
         * @param count {@code 0..}{@value AuditOptions#THREADS_MAX}
         * @return this builder
         */
        public Builder threads(int count) {
            this.threads = count;
            return this;
        }

        /**
         * Bound on every wait for Kafka (default {@value AuditOptions#DEFAULT_TIMEOUT_MS} ms).
         *
         * @param ms milliseconds, {@code >= 1000}
         * @return this builder
         */
        public Builder timeoutMs(long ms) {
            this.timeoutMs = ms;
            return this;
        }

        /**
         * Extra consumer properties.
         *
         * @param properties the properties; not null
         * @return this builder
         */
        public Builder consumerProperties(Map<String, String> properties) {
            this.consumerProperties = Map.copyOf(properties);
            return this;
        }

        /**
         * Extra registry client properties.
         *
         * @param properties the properties ({@code registry.*} keys); not null
         * @return this builder
         */
        public Builder registryProperties(Map<String, String> properties) {
            this.registryProperties = Map.copyOf(properties);
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the options
         * @throws IllegalArgumentException naming the option and value at fault
         */
        public AuditOptions build() {
            requireText("bootstrapServers", bootstrapServers);
            requireText("registryUrl", registryUrl);
            requireText("eventsTopic", eventsTopic);
            if (outcomesTopic != null) {
                requireText("outcomesTopic", outcomesTopic);
            }
            if (liveApplicationId != null) {
                requireText("compareLive applicationId", liveApplicationId);
            }
            if (fromOffsets != null && fromTimeMs != null) {
                throw new IllegalArgumentException("give either fromOffsets or fromTimeMs, not both");
            }
            if (toOffsets != null && toTimeMs != null) {
                throw new IllegalArgumentException("give either toOffsets or toTimeMs, not both");
            }
            if (fromTimeMs != null && toTimeMs != null && fromTimeMs > toTimeMs) {
                throw new IllegalArgumentException("fromTimeMs " + fromTimeMs + " is after toTimeMs " + toTimeMs);
            }
            if (inFlightGraceMs < 0) {
                throw new IllegalArgumentException("inFlightGraceMs must be >= 0, was " + inFlightGraceMs);
            }
            if (maxFindings < 1 || maxFindings > 10_000) {
                throw new IllegalArgumentException("maxFindings must be in [1, 10000], was " + maxFindings);
            }
            if (threads < 0 || threads > THREADS_MAX) {
                throw new IllegalArgumentException("threads must be in [0, " + THREADS_MAX + "], was " + threads);
            }
            if (timeoutMs < 1_000) {
                throw new IllegalArgumentException("timeoutMs must be >= 1000, was " + timeoutMs);
            }
            for (String account : accounts) {
                requireText("account", account);
            }
            return new AuditOptions(this);
        }

        private static void requireText(String name, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank, was '" + value + "'");
            }
        }
    }
}
