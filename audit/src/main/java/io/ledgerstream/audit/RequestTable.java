package io.ledgerstream.audit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One shard's index of request IDs and their events and outcomes, laid out in primitive arrays, request IDs included
 * (their UTF-8 bytes, end to end in one byte array): indexing millions of requests allocates no object per request
 * or event, so the garbage collector has nothing to copy or trace. Open addressing on the request ID's {@link
 * #hash}; the events of a request are a linked list through each event's next-event field. A request's fields are
 * {@value #REQUEST_STRIDE} adjacent longs and an event's {@value #EVENT_STRIDE}, so reaching a request or an event
 * out of order costs one or two cache misses, not one per field. Not thread-safe.
 */
final class RequestTable {
    private static final String[] COMMAND_TYPES = {
        "OpenAccount", "Deposit", "Withdraw", "Transfer", "PlaceHold", "CaptureHold", "ReleaseHold"
    };
    private static final EventKind[] KINDS = EventKind.values();
    private static final io.ledgerstream.core.Reason[] REASONS = io.ledgerstream.core.Reason.values();

    /** Longs per request: [0] key start << 32 | key length, [1] first event << 32 | last event (-1: none). */
    static final int REQUEST_STRIDE = 2;

    /**
     * Longs per event: [0] partition << 32 | kind << 8 | applied, [1] offset, [2] version, [3] amount, [4] timestamp,
     * [5] account << 32 | counterparty, [6] currency << 32 | next event (-1: none).
     */
    static final int EVENT_STRIDE = 7;

    private static final long NO_EVENTS = -1L;

    /** Most slots of the open-addressing table (a power of two that an array can hold), kept at most half full. */
    private static final int SLOTS_MAX = 1 << 30;

    private final StringPool names;

    // open-addressing table: slot -> the request ID's hash in the high 32 bits, request number + 1 in the low 32 bits
    // (0 = empty), so that a probe compares hashes before it touches a key
    private long[] slots;
    private int mask;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    // request IDs' UTF-8 bytes, end to end
    private byte[] keyBytes;
    private int keyBytesUsed;

    // per request: REQUEST_STRIDE longs each
    private long[] requestData;
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

    // per event: EVENT_STRIDE longs each
    private long[] eventData;
    private int events;

    /**
     * @param names numbers account IDs and currencies
     * @param expectedRequests initial capacity in requests (grows by doubling)
     * @param expectedEvents initial capacity in events (grows by doubling)
     */
    RequestTable(StringPool names, int expectedRequests, int expectedEvents) {
        this.names = names;
        int capacity = Math.max(16, expectedRequests);
        int tableSize = Integer.highestOneBit(Math.max(32, capacity * 2 - 1)) << 1;
        slots = new long[tableSize];
        mask = tableSize - 1;
        keyBytes = new byte[Math.max(64, capacity * 40)];
        requestData = new long[capacity * REQUEST_STRIDE];
        // the outcome arrays are allocated with the first outcome: an audit of the events alone never needs them
        eventData = new long[Math.max(16, expectedEvents) * EVENT_STRIDE];
    }

    int size() {
        return requests;
    }

    /** The request ID of request number {@code request}. */
    String key(int request) {
        long key = requestData[request * REQUEST_STRIDE];
        return new String(keyBytes, keyStart(key), keyLength(key), StandardCharsets.UTF_8);
    }

    /** The {@link #hash} of request number {@code request}'s ID. */
    int keyHash(int request) {
        long key = requestData[request * REQUEST_STRIDE];
        return hash(keyBytes, keyStart(key), keyLength(key));
    }

    private static int keyStart(long key) {
        return (int) (key >>> 32);
    }

    private static int keyLength(long key) {
        return (int) key;
    }

    /**
     * The hash of a request ID's UTF-8 bytes, by which every table (and {@link LedgerAudit#requestShard}) places it:
     * eight bytes at a time, well mixed in every bit.
     */
    static int hash(byte[] data, int start, int length) {
        long h = 0x9E3779B97F4A7C15L ^ length;
        int i = start;
        int end = start + length;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            h = Long.rotateLeft(h ^ (long) LONGS.get(data, i) * 0xC2B2AE3D27D4EB4FL, 31) * 0x9E3779B97F4A7C15L;
        }
        for (; i < end; i++) {
            h = (h ^ (data[i] & 0xFF)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h;
    }

    /** The UTF-8 bytes by which a request ID is indexed. */
    static byte[] bytesOf(String requestId) {
        return requestId.getBytes(StandardCharsets.UTF_8);
    }

    /** The request's number, or -1 if it was never seen. */
    int find(String requestId) {
        byte[] id = bytesOf(requestId);
        return find(id, 0, id.length, hash(id, 0, id.length));
    }

    /** The number of the request whose ID is {@code length} bytes at {@code start} of {@code id}, or -1. */
    int find(byte[] id, int start, int length, int hash) {
        long value = slots[slotOf(id, start, length, hash)];
        return value == 0 ? -1 : (int) value - 1;
    }

    /** The slot that holds this request ID, or the empty slot where it belongs. */
    private int slotOf(byte[] id, int start, int length, int hash) {
        int slot = hash & mask;
        while (true) {
            long value = slots[slot];
            if (value == 0 || (int) (value >>> 32) == hash && sameKey((int) value - 1, id, start, length)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Request number {@code request} of this table in {@code other}, or -1. */
    int findIn(RequestTable other, int request, int hash) {
        long key = requestData[request * REQUEST_STRIDE];
        return other.find(keyBytes, keyStart(key), keyLength(key), hash);
    }

    /** The request's number, added if new. */
    int request(byte[] id, int start, int length, int hash) {
        int slot = slotOf(id, start, length, hash);
        if (slots[slot] != 0) {
            return (int) slots[slot] - 1;
        }
        if (requests == requestData.length / REQUEST_STRIDE) {
            growRequests();
        }
        if (keyBytesUsed > keyBytes.length - length) {
            long needed = (long) keyBytesUsed + length;
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException(
                        "request index of one shard over 2 GB of request IDs: use more threads");
            }
            keyBytes = Arrays.copyOf(
                    keyBytes, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, keyBytes.length * 2L)));
        }
        System.arraycopy(id, start, keyBytes, keyBytesUsed, length);
        int request = requests++;
        int at = request * REQUEST_STRIDE;
        requestData[at] = ((long) keyBytesUsed << 32) | length;
        requestData[at + 1] = NO_EVENTS;
        keyBytesUsed += length;
        slots[slot] = slotValue(hash, request);
        if (requests * 2 > slots.length) {
            rehash();
        }
        return request;
    }

    private boolean sameKey(int request, byte[] id, int start, int length) {
        long key = requestData[request * REQUEST_STRIDE];
        int from = keyStart(key);
        return keyLength(key) == length && Arrays.equals(keyBytes, from, from + length, id, start, start + length);
    }

    /** Records an event of the request whose UTF-8 ID is {@code id} (with its {@link #hash}). */
    void addEvent(
            byte[] id,
            int hash,
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
        int request = request(id, 0, id.length, hash);
        if (events == eventData.length / EVENT_STRIDE) {
            growEvents();
        }
        int event = events++;
        int at = event * EVENT_STRIDE;
        long[] data = eventData;
        data[at] = ((long) partition << 32) | (kind.ordinal() << 8) | (applied ? 1 : 0);
        data[at + 1] = offset;
        data[at + 2] = version;
        data[at + 3] = amount;
        data[at + 4] = timestampMs;
        data[at + 5] = ((long) account << 32) | (counterparty & 0xFFFF_FFFFL);
        data[at + 6] = ((long) currency << 32) | 0xFFFF_FFFFL; // no next event
        int links = request * REQUEST_STRIDE + 1;
        long first = requestData[links];
        if (first == NO_EVENTS) {
            requestData[links] = ((long) event << 32) | event;
        } else {
            int last = (int) first;
            int lastNext = last * EVENT_STRIDE + 6;
            data[lastNext] = (data[lastNext] & 0xFFFF_FFFF_0000_0000L) | event;
            requestData[links] = (first & 0xFFFF_FFFF_0000_0000L) | event;
        }
    }

    /** Records an outcome; the first one per request is kept, the others counted. */
    void addOutcome(OutcomeView view, byte[] id, int hash, int partition, long offset) {
        int request = request(id, 0, id.length, hash);
        if (outcomeCount == null) {
            allocateOutcomes(requestData.length / REQUEST_STRIDE);
        }
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
        for (int e = firstEvent(request); e >= 0; e = nextEvent(e)) {
            int at = e * EVENT_STRIDE;
            if (eventData[at + 2] == version && accountId.equals(names.get((int) (eventData[at + 5] >> 32)))) {
                return event(e);
            }
        }
        return null;
    }

    /** Adds a request's events and outcome to a (transient) entry. */
    void copyInto(int request, RequestEntry entry) {
        for (int e = firstEvent(request); e >= 0; e = nextEvent(e)) {
            fill(e, entry.nextEvent());
        }
        int count = outcomeCount == null ? 0 : outcomeCount[request];
        if (count > 0) {
            String[] other = outcomeOther[request];
            short reason = outcomeReason[request];
            OutcomeView view = new OutcomeView(
                    key(request),
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
        return fill(e, new EventRef());
    }

    private EventRef fill(int e, EventRef ref) {
        long[] data = eventData;
        int at = e * EVENT_STRIDE;
        long head = data[at];
        long accounts = data[at + 5];
        return ref.set(
                KINDS[(int) (head >>> 8) & 0xFF],
                (head & 1) != 0,
                (int) (head >>> 32),
                data[at + 1],
                data[at + 2],
                data[at + 3],
                data[at + 4],
                names.get((int) (accounts >> 32)),
                names.get((int) accounts),
                names.get((int) (data[at + 6] >> 32)));
    }

    /** The request's first event, or -1. */
    private int firstEvent(int request) {
        long links = requestData[request * REQUEST_STRIDE + 1];
        return links == NO_EVENTS ? -1 : (int) (links >>> 32);
    }

    /** The event after {@code e} of the same request, or -1. */
    private int nextEvent(int e) {
        return (int) eventData[e * EVENT_STRIDE + 6];
    }

    private static long slotValue(int hash, int request) {
        return ((long) hash << 32) | ((request + 1) & 0xFFFF_FFFFL);
    }

    private void rehash() {
        if (slots.length >= SLOTS_MAX) {
            throw new IllegalStateException(
                    "request index of one shard over " + SLOTS_MAX / 2 + " requests: use more threads");
        }
        long[] bigger = new long[slots.length * 2];
        int biggerMask = bigger.length - 1;
        for (long value : slots) {
            if (value == 0) {
                continue;
            }
            int slot = (int) (value >>> 32) & biggerMask;
            while (bigger[slot] != 0) {
                slot = (slot + 1) & biggerMask;
            }
            bigger[slot] = value;
        }
        slots = bigger;
        mask = biggerMask;
    }

    private void allocateOutcomes(int capacity) {
        outcomeCount = new int[capacity];
        outcomeCommand = new byte[capacity];
        outcomeFlags = new byte[capacity];
        outcomeReason = new short[capacity];
        outcomeAccount = new int[capacity];
        outcomeProcessedAtMs = new long[capacity];
        outcomePartition = new int[capacity];
        outcomeOffset = new long[capacity];
        outcomeOther = new String[capacity][];
    }

    private void growRequests() {
        int n = checkedDouble(requestData.length / REQUEST_STRIDE, REQUEST_STRIDE);
        requestData = Arrays.copyOf(requestData, n * REQUEST_STRIDE);
        if (outcomeCount == null) {
            return;
        }
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
        eventData = Arrays.copyOf(eventData, checkedDouble(events, EVENT_STRIDE) * EVENT_STRIDE);
    }

    /** Twice {@code count}, if {@code count * 2 * stride} longs still fit in one array. */
    private static int checkedDouble(int count, int stride) {
        long doubled = count * 2L;
        if (doubled * stride > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("request index of one shard over " + (Integer.MAX_VALUE - 16) / stride
                    + " entries: use more threads");
        }
        return (int) doubled;
    }
}
