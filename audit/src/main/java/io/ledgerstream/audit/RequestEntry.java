package io.ledgerstream.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything seen for one request ID across all shards, assembled from the shards' {@link RequestTable}s for the
 * request-level checks: its events (usually one, two for a transfer) and its first outcome. Transient; not
 * thread-safe.
 */
final class RequestEntry {
    private final List<EventRef> events = new ArrayList<>(2);
    /** The first non-replay outcome, or null. */
    OutcomeView outcome;

    int outcomePartition = -1;
    long outcomeOffset = -1;
    /** Non-replay outcomes (other than REQUEST_ID_REUSED rejections) seen. */
    int outcomeCount;

    void addEvent(EventRef ref) {
        events.add(ref);
    }

    void addOutcomes(OutcomeView first, int partition, long offset, int count) {
        if (outcome == null) {
            outcome = first;
            outcomePartition = partition;
            outcomeOffset = offset;
        }
        outcomeCount += count;
    }

    /** All events, in no particular order across shards. */
    List<EventRef> events() {
        return events;
    }

    void clear() {
        events.clear();
        outcome = null;
        outcomePartition = -1;
        outcomeOffset = -1;
        outcomeCount = 0;
    }
}
