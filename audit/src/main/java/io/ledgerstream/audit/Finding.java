package io.ledgerstream.audit;

import java.util.Comparator;
import java.util.Objects;

/**
 * One violation of an invariant, located in the log. Immutable.
 *
 * @param invariant the violated invariant; not null
 * @param kind a stable upper-case code for the kind of violation, e.g. {@code VERSION_GAP}; not null
 * @param topic the topic of the offending record, or null when the finding has no single record (e.g. an end-of-range
 *     sum)
 * @param partition the offending record's partition, or {@code -1}
 * @param offset the offending record's offset, or {@code -1}
 * @param accountId the account concerned, or null
 * @param requestId the request concerned, or null
 * @param message what is wrong, with the values involved; not null
 */
public record Finding(
        Invariant invariant,
        String kind,
        String topic,
        int partition,
        long offset,
        String accountId,
        String requestId,
        String message)
        implements Comparable<Finding> {

    /** Report order: by topic, partition, offset, then kind, account and message. */
    static final Comparator<Finding> ORDER = Comparator.comparing(
                    Finding::topic, Comparator.nullsLast(Comparator.<String>naturalOrder()))
            .thenComparingInt(Finding::partition)
            .thenComparingLong(Finding::offset)
            .thenComparing(Finding::kind)
            .thenComparing(Finding::accountId, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(Finding::requestId, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(Finding::message);

    /**
     * Checks the non-null components.
     *
     * @param invariant see the record component
     * @param kind see the record component
     * @param topic see the record component
     * @param partition see the record component
     * @param offset see the record component
     * @param accountId see the record component
     * @param requestId see the record component
     * @param message see the record component
     */
    public Finding {
        Objects.requireNonNull(invariant, "invariant");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    /**
     * Where the finding is, as {@code topic/partition@offset}, or {@code "-"} when it has no record.
     *
     * @return the location; never null
     */
    public String location() {
        return topic == null ? "-" : topic + "/" + partition + "@" + offset;
    }

    @Override
    public int compareTo(Finding other) {
        return ORDER.compare(this, other);
    }
}
