package io.ledgerstream.audit;

import java.util.Arrays;

/**
 * The requests of one request bucket, indexed by request ID over every replay shard's {@link RequestLog} of the
 * bucket (a transfer's legs may have been replayed by two shards): each request with its events, in log order (shard
 * by shard, each in arrival order), and its outcomes. Built in one pass at the end of the replay; a bucket is small
 * enough for its logs and this index to stay in the CPU's cache while it is built and checked.
 *
 * <p>Open addressing on the request ID's {@link RequestLog#hash}; a slot compares hashes before it touches a key.
 * Events and outcomes are numbered across the logs (log 0's first, then log 1's, ...); a request's events are a
 * linked list through {@link #next}. Not thread-safe; built and read by one checking thread.
 */
final class RequestIndex {
    /** Most slots of the open-addressing table (a power of two that an array can hold), kept at most half full. */
    private static final int SLOTS_MAX = 1 << 30;

    private static final int NONE = -1;

    private final RequestLog[] logs;
    /** eventBase[w]: the number of log w's first event; eventBase[logs.length]: all events. */
    private final int[] eventBase;
    /** outcomeBase[w]: the number of log w's first outcome; outcomeBase[logs.length]: all outcomes. */
    private final int[] outcomeBase;

    private final long[] slots; // request ID hash << 32 | request + 1 (0 = empty)
    private final int mask;

    private int requests;
    // per request: the log holding the ID, and where in it
    private final int[] keyLog;
    private final long[] keyRef;
    private final int[] firstEvent;
    private final int[] lastEvent;
    private final int[] firstOutcome; // null when no log has outcomes
    private final int[] outcomeCount;
    // per event (numbered across logs): the request's next event, or NONE
    private final int[] next;

    /**
     * Indexes the logs of one bucket.
     *
     * @param logs every replay shard's log of the bucket, in shard order; not null
     * @throws IllegalStateException if they hold more entries than one index can
     */
    RequestIndex(RequestLog... logs) {
        this.logs = logs.clone();
        this.eventBase = new int[logs.length + 1];
        this.outcomeBase = new int[logs.length + 1];
        long events = 0;
        long outcomes = 0;
        for (int w = 0; w < logs.length; w++) {
            eventBase[w] = (int) events;
            outcomeBase[w] = (int) outcomes;
            events += logs[w].events();
            outcomes += logs[w].outcomes();
            if (events + outcomes > SLOTS_MAX / 2) {
                throw new IllegalStateException(
                        "request bucket over " + SLOTS_MAX / 2 + " events and outcomes: use more threads");
            }
        }
        eventBase[logs.length] = (int) events;
        outcomeBase[logs.length] = (int) outcomes;
        int capacity = (int) (events + outcomes); // at most one request per event or outcome
        int tableSize = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1;
        slots = new long[tableSize];
        mask = tableSize - 1;
        keyLog = new int[capacity];
        keyRef = new long[capacity];
        firstEvent = new int[capacity];
        lastEvent = new int[capacity];
        firstOutcome = outcomes > 0 ? new int[capacity] : null;
        outcomeCount = outcomes > 0 ? new int[capacity] : null;
        next = new int[(int) events];

        for (int w = 0; w < logs.length; w++) {
            RequestLog log = logs[w];
            int base = eventBase[w];
            for (int e = 0, n = log.events(); e < n; e++) {
                int request = request(w, log.eventKey(e), log.eventHash(e));
                int event = base + e;
                next[event] = NONE;
                if (firstEvent[request] == NONE) {
                    firstEvent[request] = event;
                } else {
                    next[lastEvent[request]] = event;
                }
                lastEvent[request] = event;
            }
        }
        for (int w = 0; w < logs.length; w++) {
            RequestLog log = logs[w];
            for (int o = 0, n = log.outcomes(); o < n; o++) {
                int request = request(w, log.outcomeKey(o), log.outcomeHash(o));
                if (outcomeCount[request]++ == 0) {
                    firstOutcome[request] = outcomeBase[w] + o; // the first one is kept, the others counted
                }
            }
        }
    }

    /** Number of distinct request IDs. */
    int size() {
        return requests;
    }

    /** The request ID of request number {@code request}. */
    String key(int request) {
        return logs[keyLog[request]].key(keyRef[request]);
    }

    /** The number of the request with this ID, or -1. */
    int find(String requestId) {
        byte[] id = RequestLog.bytesOf(requestId);
        return (int) slots[slotOf(id, 0, id.length, RequestLog.hash(id, 0, id.length))] - 1;
    }

    /** Adds the request's events (in log order) and outcomes to a (transient) entry. */
    void copyInto(int request, RequestEntry entry) {
        for (int event = firstEvent[request]; event != NONE; event = next[event]) {
            int w = logOf(event, eventBase);
            logs[w].fill(event - eventBase[w], entry.nextEvent());
        }
        if (outcomeCount != null && outcomeCount[request] > 0) {
            int outcome = firstOutcome[request];
            int w = logOf(outcome, outcomeBase);
            RequestLog log = logs[w];
            int local = outcome - outcomeBase[w];
            entry.addOutcomes(
                    log.outcomeView(local, key(request)),
                    log.outcomePartition(local),
                    log.outcomeOffset(local),
                    outcomeCount[request]);
        }
    }

    /** What {@link #forEachRepeat} reports of one repeat. */
    interface RepeatVisitor {
        /**
         * @param repeat the event that claimed a version its account had passed
         * @param same the earliest event before it, replayed by the same shard, of the same request, account and
         *     version, or null
         * @param requestId the request's ID
         * @param accountVersion the account's version when the repeat arrived
         */
        void repeat(EventRef repeat, EventRef same, String requestId, long accountVersion);
    }

    /** Reports every event a log marked as a repeat ({@link RequestLog#markRepeat}), log by log, in arrival order. */
    void forEachRepeat(RepeatVisitor visitor) {
        EventRef repeatRef = new EventRef();
        EventRef sameRef = new EventRef();
        for (int w = 0; w < logs.length; w++) {
            RequestLog log = logs[w];
            for (int i = 0; i < log.repeats(); i++) {
                int local = log.repeatEvent(i);
                int request = request(w, log.eventKey(local), log.eventHash(local));
                int event = eventBase[w] + local;
                int account = log.eventAccount(local);
                long version = log.eventVersion(local);
                EventRef same = null;
                for (int e = firstEvent[request]; e != NONE && e < event; e = next[e]) {
                    if (e >= eventBase[w]
                            && log.eventAccount(e - eventBase[w]) == account
                            && log.eventVersion(e - eventBase[w]) == version) {
                        same = log.fill(e - eventBase[w], sameRef);
                        break;
                    }
                }
                visitor.repeat(log.fill(local, repeatRef), same, key(request), log.repeatVersion(i));
            }
        }
    }

    /** The request whose ID is {@code key} of log {@code w} (with its hash), added if new. */
    private int request(int w, long key, int hash) {
        int slot = slotOf(logs[w].keyBytes(), RequestLog.keyStart(key), RequestLog.keyLength(key), hash);
        if (slots[slot] != 0) {
            return (int) slots[slot] - 1;
        }
        int request = requests++;
        keyLog[request] = w;
        keyRef[request] = key;
        firstEvent[request] = NONE;
        slots[slot] = ((long) hash << 32) | (request + 1);
        return request;
    }

    /** The slot of the request whose ID is {@code length} bytes at {@code start} of {@code id}, or the empty one. */
    private int slotOf(byte[] id, int start, int length, int hash) {
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            long value = slots[slot];
            if (value == 0 || (int) (value >>> 32) == hash && sameKey((int) value - 1, id, start, length)) {
                return slot;
            }
        }
    }

    private boolean sameKey(int request, byte[] id, int start, int length) {
        long own = keyRef[request];
        int ownStart = RequestLog.keyStart(own);
        return RequestLog.keyLength(own) == length
                && Arrays.equals(
                        logs[keyLog[request]].keyBytes(), ownStart, ownStart + length, id, start, start + length);
    }

    /** The log of an event or outcome numbered across logs, given the logs' first numbers. */
    private static int logOf(int number, int[] base) {
        int w = 0;
        while (base[w + 1] <= number) {
            w++;
        }
        return w;
    }
}
