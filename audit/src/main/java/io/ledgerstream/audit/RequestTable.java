package io.ledgerstream.audit;

import java.util.Arrays;

/**
 * One shard's index of request IDs and their events and outcomes, laid out in primitive arrays: one object per request
 * (its ID string, which the decoder allocated anyway) instead of several, so that indexing millions of requests adds
 * almost nothing for the garbage collector to copy. Open addressing on the request ID; the events of a request are a
 * linked list through {@code eventNext}. Not thread-safe.
 */
final class RequestTable {
    private static final String[] COMMAND_TYPES = {
        "OpenAccount", "Deposit", "Withdraw", "Transfer", "PlaceHold", "CaptureHold", "ReleaseHold"
    };
    private static final EventKind[] KINDS = EventKind.values();
    private static final io.ledgerstream.core.Reason[] REASONS = io.ledgerstream.core.Reason.values();

    private final StringPool names;

    // open-addressing table: slot -> request number + 1 (0 = empty)
    private int[] slots;
    private int mask;

    // per request
    private String[] keys;
    private int[] firstEvent;
    private int[] lastEvent;
    private int[] outcomeCount;
    private byte[] outcomeCommand; // index in COMMAND_TYPES, -1 other (see outcomeOther)
    private byte[] outcomeFlags; // bit 0: accepted
    private short[] outcomeReason; // Reason ordinal, -1 none, -2 other (see outcomeOther)
    private int[] outcomeAccount;
    private long[] outcomeProcessedAtMs;
    private int[] outcomePartition;
    private long[] outcomeOffset;
    private String[][] outcomeOther; // rare: unknown command type or reason, [type, reason]
    private int requests;

    // per event
    private byte[] eventKind;
    private byte[] eventApplied;
    private int[] eventPartition;
    private long[] eventOffset;
    private long[] eventVersion;
    private long[] eventAmount;
    private long[] eventTimestampMs;
    private int[] eventAccount;
    private int[] eventCounterparty;
    private int[] eventCurrency;
    private int[] eventNext;
    private int events;

    RequestTable(StringPool names, int expectedRequests) {
        this.names = names;
        int capacity = Math.max(16, expectedRequests);
        int tableSize = Integer.highestOneBit(Math.max(32, capacity * 2 - 1)) << 1;
        slots = new int[tableSize];
        mask = tableSize - 1;
        keys = new String[capacity];
        firstEvent = new int[capacity];
        lastEvent = new int[capacity];
        outcomeCount = new int[capacity];
        outcomeCommand = new byte[capacity];
        outcomeFlags = new byte[capacity];
        outcomeReason = new short[capacity];
        outcomeAccount = new int[capacity];
        outcomeProcessedAtMs = new long[capacity];
        outcomePartition = new int[capacity];
        outcomeOffset = new long[capacity];
        outcomeOther = new String[capacity][];
        eventKind = new byte[capacity];
        eventApplied = new byte[capacity];
        eventPartition = new int[capacity];
        eventOffset = new long[capacity];
        eventVersion = new long[capacity];
        eventAmount = new long[capacity];
        eventTimestampMs = new long[capacity];
        eventAccount = new int[capacity];
        eventCounterparty = new int[capacity];
        eventCurrency = new int[capacity];
        eventNext = new int[capacity];
    }

    int size() {
        return requests;
    }

    String key(int request) {
        return keys[request];
    }

    /** The request's number, or -1 if it was never seen. */
    int find(String requestId) {
        int slot = spread(requestId.hashCode()) & mask;
        while (true) {
            int value = slots[slot];
            if (value == 0) {
                return -1;
            }
            if (keys[value - 1].equals(requestId)) {
                return value - 1;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The request's number, added if new. */
    int request(String requestId) {
        int slot = spread(requestId.hashCode()) & mask;
        while (true) {
            int value = slots[slot];
            if (value == 0) {
                break;
            }
            if (keys[value - 1].equals(requestId)) {
                return value - 1;
            }
            slot = (slot + 1) & mask;
        }
        if (requests == keys.length) {
            growRequests();
        }
        int request = requests++;
        keys[request] = requestId;
        firstEvent[request] = -1;
        lastEvent[request] = -1;
        outcomeReason[request] = -1;
        slots[slot] = request + 1;
        if (requests * 2 > slots.length) {
            rehash();
        }
        return request;
    }

    void addEvent(
            String requestId,
            EventKind kind,
            boolean applied,
            int partition,
            long offset,
            long version,
            long amount,
            long timestampMs,
            int account,
            int counterparty,
            int currency) {
        int request = request(requestId);
        if (events == eventKind.length) {
            growEvents();
        }
        int event = events++;
        eventKind[event] = (byte) kind.ordinal();
        eventApplied[event] = (byte) (applied ? 1 : 0);
        eventPartition[event] = partition;
        eventOffset[event] = offset;
        eventVersion[event] = version;
        eventAmount[event] = amount;
        eventTimestampMs[event] = timestampMs;
        eventAccount[event] = account;
        eventCounterparty[event] = counterparty;
        eventCurrency[event] = currency;
        eventNext[event] = -1;
        if (lastEvent[request] < 0) {
            firstEvent[request] = event;
        } else {
            eventNext[lastEvent[request]] = event;
        }
        lastEvent[request] = event;
    }

    /** Records an outcome; the first one per request is kept, the others counted. */
    void addOutcome(OutcomeView view, int partition, long offset) {
        int request = request(view.requestId());
        if (outcomeCount[request]++ > 0) {
            return;
        }
        byte command = -1;
        for (byte i = 0; i < COMMAND_TYPES.length; i++) {
            if (COMMAND_TYPES[i].equals(view.commandType())) {
                command = i;
            }
        }
        short reason = -1;
        if (view.reason() != null) {
            reason = -2;
            for (short i = 0; i < REASONS.length; i++) {
                if (REASONS[i].name().equals(view.reason())) {
                    reason = i;
                }
            }
        }
        if (command < 0 || reason == -2) {
            outcomeOther[request] = new String[] {view.commandType(), view.reason()};
        }
        outcomeCommand[request] = command;
        outcomeReason[request] = reason;
        outcomeFlags[request] = (byte) (view.accepted() ? 1 : 0);
        outcomeAccount[request] = names.id(view.accountId());
        outcomeProcessedAtMs[request] = view.processedAtMs();
        outcomePartition[request] = partition;
        outcomeOffset[request] = offset;
    }

    /** The event of a request on an account at a version, or null. */
    EventRef findEvent(String requestId, String accountId, long version) {
        int request = find(requestId);
        if (request < 0) {
            return null;
        }
        for (int e = firstEvent[request]; e >= 0; e = eventNext[e]) {
            if (eventVersion[e] == version && accountId.equals(names.get(eventAccount[e]))) {
                return event(e);
            }
        }
        return null;
    }

    /** Adds a request's events and outcome to a (transient) entry. */
    void copyInto(int request, RequestEntry entry) {
        for (int e = firstEvent[request]; e >= 0; e = eventNext[e]) {
            entry.addEvent(event(e));
        }
        int count = outcomeCount[request];
        if (count > 0) {
            String[] other = outcomeOther[request];
            short reason = outcomeReason[request];
            OutcomeView view = new OutcomeView(
                    keys[request],
                    names.get(outcomeAccount[request]),
                    outcomeCommand[request] >= 0 ? COMMAND_TYPES[outcomeCommand[request]] : other[0],
                    (outcomeFlags[request] & 1) != 0,
                    reason == -1 ? null : reason >= 0 ? REASONS[reason].name() : other[1],
                    false,
                    outcomeProcessedAtMs[request]);
            entry.addOutcomes(view, outcomePartition[request], outcomeOffset[request], count);
        }
    }

    private EventRef event(int e) {
        return new EventRef(
                KINDS[eventKind[e]],
                eventApplied[e] != 0,
                eventPartition[e],
                eventOffset[e],
                eventVersion[e],
                eventAmount[e],
                eventTimestampMs[e],
                names.get(eventAccount[e]),
                names.get(eventCounterparty[e]),
                names.get(eventCurrency[e]));
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    private void rehash() {
        int[] bigger = new int[slots.length * 2];
        int biggerMask = bigger.length - 1;
        for (int request = 0; request < requests; request++) {
            int slot = spread(keys[request].hashCode()) & biggerMask;
            while (bigger[slot] != 0) {
                slot = (slot + 1) & biggerMask;
            }
            bigger[slot] = request + 1;
        }
        slots = bigger;
        mask = biggerMask;
    }

    private void growRequests() {
        int n = keys.length * 2;
        keys = Arrays.copyOf(keys, n);
        firstEvent = Arrays.copyOf(firstEvent, n);
        lastEvent = Arrays.copyOf(lastEvent, n);
        outcomeCount = Arrays.copyOf(outcomeCount, n);
        outcomeCommand = Arrays.copyOf(outcomeCommand, n);
        outcomeFlags = Arrays.copyOf(outcomeFlags, n);
        outcomeReason = Arrays.copyOf(outcomeReason, n);
        outcomeAccount = Arrays.copyOf(outcomeAccount, n);
        outcomeProcessedAtMs = Arrays.copyOf(outcomeProcessedAtMs, n);
        outcomePartition = Arrays.copyOf(outcomePartition, n);
        outcomeOffset = Arrays.copyOf(outcomeOffset, n);
        outcomeOther = Arrays.copyOf(outcomeOther, n);
    }

    private void growEvents() {
        int n = eventKind.length * 2;
        eventKind = Arrays.copyOf(eventKind, n);
        eventApplied = Arrays.copyOf(eventApplied, n);
        eventPartition = Arrays.copyOf(eventPartition, n);
        eventOffset = Arrays.copyOf(eventOffset, n);
        eventVersion = Arrays.copyOf(eventVersion, n);
        eventAmount = Arrays.copyOf(eventAmount, n);
        eventTimestampMs = Arrays.copyOf(eventTimestampMs, n);
        eventAccount = Arrays.copyOf(eventAccount, n);
        eventCounterparty = Arrays.copyOf(eventCounterparty, n);
        eventCurrency = Arrays.copyOf(eventCurrency, n);
        eventNext = Arrays.copyOf(eventNext, n);
    }
}
