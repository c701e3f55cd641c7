package io.ledgerstream.audit;

/**
 * What the request-level checks see of one event: its kind, place and money (no hashes, no body). Filled on demand
 * from a {@link RequestTable}, which stores the same fields in primitive arrays. A {@link RequestEntry} reuses its
 * instances from one request to the next, so that checking millions of requests allocates nothing: whoever reads one
 * must not keep it beyond the request (the checks copy what they keep). Not thread-safe.
 */
final class EventRef {
    EventKind kind;
    boolean applied;
    int partition;
    long offset;
    long version;
    long amount;
    long timestampMs;
    String accountId;
    String counterparty;
    String currency;

    EventRef() {}

    /** Replaces every field; returns this. */
    EventRef set(
            EventKind kind,
            boolean applied,
            int partition,
            long offset,
            long version,
            long amount,
            long timestampMs,
            String accountId,
            String counterparty,
            String currency) {
        this.kind = kind;
        this.applied = applied;
        this.partition = partition;
        this.offset = offset;
        this.version = version;
        this.amount = amount;
        this.timestampMs = timestampMs;
        this.accountId = accountId;
        this.counterparty = counterparty;
        this.currency = currency;
        return this;
    }

    String describe() {
        return kind.typeName() + " on " + accountId + " v" + version + " at " + partition + "@" + offset;
    }
}
