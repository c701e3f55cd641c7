package io.ledgerstream.sdk;

import java.util.Objects;

/**
 * One decoded record of a {@link ResultStream}, with where it was read. Immutable and thread-safe if the value is.
 *
 * @param topic the topic; never null
 * @param partition the partition, {@code >= 0}
 * @param offset the record's offset in the partition, {@code >= 0}; {@code (topic, partition, offset)} identifies a
 *     record uniquely, e.g. for idempotent handling of a replay after a crash
 * @param timestampMs the record's timestamp, epoch milliseconds
 * @param key the record key (the reply target for outcomes, the account ID for events); may be null
 * @param value the decoded value; never null
 * @param <T> the value type
 */
public record StreamRecord<T>(String topic, int partition, long offset, long timestampMs, String key, T value) {

    /**
     * Checks the fields.
     *
     * @param topic see the record component
     * @param partition see the record component
     * @param offset see the record component
     * @param timestampMs see the record component
     * @param key see the record component
     * @param value see the record component
     */
    public StreamRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(value, "value");
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must be >= 0, were " + partition + "@" + offset);
        }
    }
}
