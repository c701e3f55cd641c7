package io.ledgerstream.audit;

/**
 * What the request-level checks see of one event: its kind, place and money (no hashes, no body). Built on demand from
 * a {@link RequestTable}, which stores the same fields in primitive arrays. Immutable.
 */
final class EventRef {
    final EventKind kind;
    final boolean applied;
    final int partition;
    final long offset;
    final long version;
    final long amount;
    final long timestampMs;
    final String accountId;
    final String counterparty;
    final String currency;

    EventRef(
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
    }

    String describe() {
        return kind.typeName() + " on " + accountId + " v" + version + " at " + partition + "@" + offset;
    }
}
