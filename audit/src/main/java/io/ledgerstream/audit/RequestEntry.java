package io.ledgerstream.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything seen for one request ID across all shards, assembled from its bucket's {@link RequestIndex} for the
 * request-level checks: its events (usually one, two for a transfer) and its first outcome. Transient; not
 * thread-safe.
 */
final class RequestEntry {
    private final List<EventRef> events = new ArrayList<>(2);
    /** Instances for {@link #nextEvent()}, reused from one request to the next. */
    private final List<EventRef> spare = new ArrayList<>(2);

    private RequestIndex keyIndex;
    private int keyRequest;
    private String requestId;
    /** The first non-replay outcome, or null. */
    OutcomeView outcome;

    int outcomePartition = -1;
    long outcomeOffset = -1;
    /** Non-replay outcomes (other than REQUEST_ID_REUSED rejections) seen. */
    int outcomeCount;

    /** An event slot for this request, added to {@link #events()}: a reused instance, to be filled by the caller. */
    EventRef nextEvent() {
        int n = events.size();
        if (n == spare.size()) {
            spare.add(new EventRef());
        }
        EventRef ref = spare.get(n);
        events.add(ref);
        return ref;
    }

    /** Sets the request's ID: request number {@code request} of {@code index}, materialized on first use. */
    void key(RequestIndex index, int request) {
        keyIndex = index;
        keyRequest = request;
        requestId = null;
    }

    /** The request's ID (a new string the first time it is asked for, if it was set from an index). */
    String requestId() {
        if (requestId == null && keyIndex != null) {
            requestId = keyIndex.key(keyRequest);
        }
        return requestId;
    }

    void addOutcomes(OutcomeView first, int partition, long offset, int count) {
        if (outcome == null) {
            outcome = first;
            outcomePartition = partition;
            outcomeOffset = offset;
        }
        outcomeCount += count;
    }

    /** All events, in log order: shard by shard, each shard's in arrival order. */
    List<EventRef> events() {
        return events;
    }

    void clear() {
        events.clear();
        keyIndex = null;
        requestId = null;
        outcome = null;
        outcomePartition = -1;
        outcomeOffset = -1;
        outcomeCount = 0;
    }
}
