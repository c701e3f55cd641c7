package io.ledgerstream.audit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What one replay shard saw of the requests of one request bucket, appended in arrival order during the replay and
 * indexed by request ID only at the end ({@link RequestIndex}, over every shard's log of the bucket).
 *
 * <p>Appending is the whole cost per event on the replay's hot path: a few sequential writes to arrays this log
 * owns, never a lookup. A hash table over millions of request IDs costs a cache miss or more per event wherever the
 * ID lands; deferred to the end, each bucket's index is built in one pass over a log that fits in the CPU's cache.
 *
 * <p>Laid out in primitive arrays, request IDs included (their UTF-8 bytes, end to end in one byte array): logging
 * millions of events allocates no object per event, so the garbage collector has nothing to copy or trace. An
 * event is {@value #EVENT_STRIDE} adjacent longs, an outcome {@value #OUTCOME_STRIDE}. Not thread-safe: the replay
 * thread of the shard appends, then (after it is joined) one checking thread reads.
 */
final class RequestLog {
    static final String[] COMMAND_TYPES = {
        "OpenAccount", "Deposit", "Withdraw", "Transfer", "PlaceHold", "CaptureHold", "ReleaseHold"
    };
    private static final EventKind[] KINDS = EventKind.values();
    private static final io.ledgerstream.core.Reason[] REASONS = io.ledgerstream.core.Reason.values();

    /**
     * Longs per event: [0] partition << 32 | kind << 8 | applied, [1] offset, [2] version, [3] amount, [4] timestamp,
     * [5] account << 32 | counterparty, [6] currency << 32 | request ID hash, [7] key start << 32 | key length.
     */
    static final int EVENT_STRIDE = 8;

    /**
     * Longs per outcome: [0] key start << 32 | key length, [1] request ID hash << 32 | partition, [2] offset, [3]
     * processed at, [4] account << 32 | command << 24 | accepted << 16 | reason (16 bits).
     */
    static final int OUTCOME_STRIDE = 5;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Most longs in one array. */
    private static final int LONGS_MAX = Integer.MAX_VALUE - 16;

    private final StringPool names;

    // request IDs' UTF-8 bytes, end to end (an ID appears once per event or outcome that names it)
    private byte[] keyBytes;
    private int keyBytesUsed;

    private long[] eventData;
    private int events;

    private long[] outcomeData; // allocated with the first outcome: an audit of the events alone never needs it
    private int outcomes;
    private Map<Integer, String[]> outcomeOther; // rare: unknown command type or reason, [type, reason]

    // events that claimed a version their account had already passed, to be told apart (a copy or a fork) once every
    // event of their request is known: event number, and the account's version when the event arrived
    private int[] repeatEvents = new int[0];
    private long[] repeatVersions = new long[0];
    private int repeats;

    /**
     * @param names numbers account IDs and currencies (the shard's pool, which {@link #fill} reads back)
     * @param expectedEvents initial capacity in events (grows by doubling)
     */
    RequestLog(StringPool names, int expectedEvents) {
        this.names = names;
        int capacity = Math.max(16, expectedEvents);
        keyBytes = new byte[Math.max(64, capacity * 40)];
        eventData = new long[capacity * EVENT_STRIDE];
    }

    /**
     * The hash of a request ID's UTF-8 bytes, by which requests are bucketed ({@link LedgerAudit#requestBucket}) and
     * indexed: eight bytes at a time, well mixed in every bit.
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

    /** Whether the {@code length} bytes at {@code start} of {@code data} are all ASCII (eight at a time). */
    static boolean isAscii(byte[] data, int start, int length) {
        int i = start;
        int end = start + length;
        long any = 0;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            any |= (long) LONGS.get(data, i);
        }
        for (; i < end; i++) {
            any |= data[i];
        }
        return (any & 0x8080_8080_8080_8080L) == 0;
    }

    /** The UTF-8 bytes by which a request ID is indexed. */
    static byte[] bytesOf(String requestId) {
        return requestId.getBytes(StandardCharsets.UTF_8);
    }

    // ---- appending (the replay thread) -----------------------------------------------------------------------

    /**
     * Appends an event of the request whose UTF-8 ID is the {@code idLength} bytes at {@code idStart} of {@code id}
     * (with their {@link #hash}).
     *
     * @return the event's number in this log
     */
    int addEvent(
            byte[] id,
            int idStart,
            int idLength,
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
        long key = appendKey(id, idStart, idLength);
        if (events == eventData.length / EVENT_STRIDE) {
            eventData = Arrays.copyOf(eventData, doubled(events, EVENT_STRIDE) * EVENT_STRIDE);
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
        data[at + 6] = ((long) currency << 32) | (hash & 0xFFFF_FFFFL);
        data[at + 7] = key;
        return event;
    }

    /**
     * Marks event number {@code event} as claiming a version its account had passed: {@link RequestIndex} names it a
     * duplicate if an earlier event of this log has its request, account, version and kind, a conflicting event if
     * not.
     *
     * @param accountVersion the account's version when the event arrived
     */
    void markRepeat(int event, long accountVersion) {
        if (repeats == repeatEvents.length) {
            int n = Math.max(4, repeats * 2);
            repeatEvents = Arrays.copyOf(repeatEvents, n);
            repeatVersions = Arrays.copyOf(repeatVersions, n);
        }
        repeatEvents[repeats] = event;
        repeatVersions[repeats] = accountVersion;
        repeats++;
    }

    /** Appends an outcome of the request whose UTF-8 ID is {@code id} (with its {@link #hash}). */
    void addOutcome(OutcomeView view, byte[] id, int hash, int partition, long offset) {
        long key = appendKey(id, 0, id.length);
        if (outcomeData == null) {
            outcomeData = new long[Math.max(16, eventData.length / EVENT_STRIDE) * OUTCOME_STRIDE];
        } else if (outcomes == outcomeData.length / OUTCOME_STRIDE) {
            outcomeData = Arrays.copyOf(outcomeData, doubled(outcomes, OUTCOME_STRIDE) * OUTCOME_STRIDE);
        }
        int command = -1;
        for (int i = 0; i < COMMAND_TYPES.length; i++) {
            if (COMMAND_TYPES[i].equals(view.commandType())) {
                command = i;
            }
        }
        int reason = -1;
        if (view.reason() != null) {
            reason = -2;
            for (int i = 0; i < REASONS.length; i++) {
                if (REASONS[i].name().equals(view.reason())) {
                    reason = i;
                }
            }
        }
        int outcome = outcomes++;
        if (command < 0 || reason == -2) {
            if (outcomeOther == null) {
                outcomeOther = new HashMap<>();
            }
            outcomeOther.put(outcome, new String[] {view.commandType(), view.reason()});
        }
        int at = outcome * OUTCOME_STRIDE;
        long[] data = outcomeData;
        data[at] = key;
        data[at + 1] = ((long) hash << 32) | (partition & 0xFFFF_FFFFL);
        data[at + 2] = offset;
        data[at + 3] = view.processedAtMs();
        data[at + 4] = ((long) names.id(view.accountId()) << 32)
                | ((command & 0xFFL) << 24)
                | ((view.accepted() ? 1L : 0L) << 16)
                | (reason & 0xFFFFL);
    }

    private long appendKey(byte[] id, int start, int length) {
        if (keyBytesUsed > keyBytes.length - length) {
            long needed = (long) keyBytesUsed + length;
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("request log of one shard over 2 GB of request IDs: use more threads");
            }
            keyBytes = Arrays.copyOf(
                    keyBytes, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, keyBytes.length * 2L)));
        }
        System.arraycopy(id, start, keyBytes, keyBytesUsed, length);
        long key = ((long) keyBytesUsed << 32) | length;
        keyBytesUsed += length;
        return key;
    }

    /** Twice {@code count}, if {@code count * 2 * stride} longs still fit in one array. */
    private static int doubled(int count, int stride) {
        long twice = Math.max(16, count * 2L);
        if (twice * stride > LONGS_MAX) {
            throw new IllegalStateException(
                    "request log of one shard over " + LONGS_MAX / stride + " entries: use more threads");
        }
        return (int) twice;
    }

    // ---- reading (the checking thread, after the replay) ------------------------------------------------------

    int events() {
        return events;
    }

    int outcomes() {
        return outcomes;
    }

    int repeats() {
        return repeats;
    }

    int repeatEvent(int repeat) {
        return repeatEvents[repeat];
    }

    long repeatVersion(int repeat) {
        return repeatVersions[repeat];
    }

    /** Event number {@code event}'s request ID: key start << 32 | key length in {@link #keyBytes()}. */
    long eventKey(int event) {
        return eventData[event * EVENT_STRIDE + 7];
    }

    int eventHash(int event) {
        return (int) eventData[event * EVENT_STRIDE + 6];
    }

    /** The pool number of event number {@code event}'s account (comparable within this log only). */
    int eventAccount(int event) {
        return (int) (eventData[event * EVENT_STRIDE + 5] >> 32);
    }

    long eventVersion(int event) {
        return eventData[event * EVENT_STRIDE + 2];
    }

    /** Outcome number {@code outcome}'s request ID: key start << 32 | key length in {@link #keyBytes()}. */
    long outcomeKey(int outcome) {
        return outcomeData[outcome * OUTCOME_STRIDE];
    }

    int outcomeHash(int outcome) {
        return (int) (outcomeData[outcome * OUTCOME_STRIDE + 1] >>> 32);
    }

    int outcomePartition(int outcome) {
        return (int) outcomeData[outcome * OUTCOME_STRIDE + 1];
    }

    long outcomeOffset(int outcome) {
        return outcomeData[outcome * OUTCOME_STRIDE + 2];
    }

    /** The request IDs' bytes; a key (see {@link #eventKey}) locates one. */
    byte[] keyBytes() {
        return keyBytes;
    }

    static int keyStart(long key) {
        return (int) (key >>> 32);
    }

    static int keyLength(long key) {
        return (int) key;
    }

    /** The request ID a key (see {@link #eventKey}) locates. */
    String key(long key) {
        return new String(keyBytes, keyStart(key), keyLength(key), StandardCharsets.UTF_8);
    }

    /** Fills {@code ref} with event number {@code event}; returns it. */
    EventRef fill(int event, EventRef ref) {
        long[] data = eventData;
        int at = event * EVENT_STRIDE;
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

    /** Outcome number {@code outcome}, as read (its request ID given). */
    OutcomeView outcomeView(int outcome, String requestId) {
        long[] data = outcomeData;
        int at = outcome * OUTCOME_STRIDE;
        long packed = data[at + 4];
        int command = (byte) (packed >>> 24);
        int reason = (short) packed;
        String[] other = outcomeOther == null ? null : outcomeOther.get(outcome);
        return new OutcomeView(
                requestId,
                names.get((int) (packed >> 32)),
                command >= 0 ? COMMAND_TYPES[command] : other[0],
                ((packed >>> 16) & 1) != 0,
                reason == -1 ? null : reason >= 0 ? REASONS[reason].name() : other[1],
                false,
                data[at + 3]);
    }
}
