package io.ledgerstream.audit;

import io.ledgerstream.serde.AvroBinaryCursor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bounded, direct-mapped cache from the UTF-8 bytes of a string to one {@link String} instance: reading the same
 * account ID or currency again returns the same object, without allocating, so the replay's map lookups on it find
 * the hash already computed and the key by identity. A slot holds the last string that hashed to it; a different
 * string in the same slot replaces it (so memory stays bounded whatever the number of accounts, and a ledger with more
 * accounts than slots only loses some hits). Values are decoded exactly as {@link AvroBinaryCursor#readString()} does,
 * and a hit requires byte-for-byte equality, so the cache never changes what is read.
 *
 * <p>With a {@link StringPool}, a slot also keeps the string's number in the pool, so that the replay shard fed by
 * this cache's decoder gets an event's names numbered without a lookup of its own ({@link #lastId()}).
 *
 * <p>Not thread-safe: one per decoder.
 */
final class NameCache implements AvroBinaryCursor.StringDecoder {

    /** Slots of a decoder's cache: a power of two. */
    static final int SLOTS = 1 << 16;

    /** Strings longer than this are not cached (IDs are at most 128 characters, i.e. 512 UTF-8 bytes). */
    static final int LENGTH_MAX = 512;

    private final byte[][] bytes;
    private final String[] strings;
    private final int[] ids;
    private final StringPool pool;
    private final int mask;
    private int lastId = -1;
    private long hits;
    private long misses;

    /** A cache that numbers nothing ({@link #lastId()} is always -1). */
    NameCache(int slots) {
        this(slots, null);
    }

    /**
     * @param slots a power of two
     * @param pool numbers what is read (see {@link #lastId()}), or null; used by this cache's thread only
     */
    NameCache(int slots, StringPool pool) {
        if (slots < 1 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, was " + slots);
        }
        this.bytes = new byte[slots][];
        this.strings = new String[slots];
        this.ids = new int[slots];
        this.pool = pool;
        this.mask = slots - 1;
    }

    /** Reads an Avro string at the cursor: the cached instance if these bytes were read before, else a new one. */
    String read(AvroBinaryCursor in) {
        return in.readString(this);
    }

    /** The string of {@code length} UTF-8 bytes at {@code start} of {@code data} (which must hold them). */
    @Override
    public String decode(byte[] data, int start, int length) {
        if (length > LENGTH_MAX) {
            misses++;
            String value = new String(data, start, length, StandardCharsets.UTF_8);
            lastId = number(value);
            return value;
        }
        int h = length;
        for (int i = start, end = start + length; i < end; i++) {
            h = 31 * h + data[i];
        }
        int slot = (h ^ (h >>> 16)) & mask;
        byte[] cached = bytes[slot];
        if (cached != null && Arrays.equals(cached, 0, cached.length, data, start, start + length)) {
            hits++;
            lastId = ids[slot];
            return strings[slot];
        }
        misses++;
        String value = new String(data, start, length, StandardCharsets.UTF_8);
        bytes[slot] = Arrays.copyOfRange(data, start, start + length);
        strings[slot] = value;
        ids[slot] = number(value);
        lastId = ids[slot];
        return value;
    }

    /** The pool's number of the string the last {@link #read} or {@link #decode} returned; -1 without a pool. */
    int lastId() {
        return lastId;
    }

    private int number(String value) {
        return pool == null ? -1 : pool.id(value);
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }
}
