package io.ledgerstream.audit;

import io.ledgerstream.serde.AvroBinaryCursor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 * <p>Names of 1 to {@value #SHORT_MAX} bytes (account IDs of that size and currencies, i.e. almost every name read)
 * are looked up first in a flat open-addressing table that holds each name's bytes in two longs next to its entry's
 * number: a lookup reads the name as two longs, compares them with one table line, and reads the entry's string
 * from a dense array, with no byte loop and no array per name to chase. That table keeps its first {@value
 * #SHORT_ENTRIES_MAX} names and then stops taking new ones (the slots below still cache the rest).
 *
 * <p>With a {@link StringPool}, an entry or slot also keeps the string's number in the pool, so that the replay shard
 * fed by this cache's decoder gets an event's names numbered without a lookup of its own ({@link #lastId()}).
 *
 * <p>Not thread-safe: one per decoder.
 */
final class NameCache implements AvroBinaryCursor.StringDecoder {

    /** Slots of a decoder's cache: a power of two. */
    static final int SLOTS = 1 << 16;

    /** Strings longer than this are not cached (IDs are at most 128 characters, i.e. 512 UTF-8 bytes). */
    static final int LENGTH_MAX = 512;

    /** Longest name (UTF-8 bytes) the flat table holds: 15 bytes and the length fill two longs. */
    static final int SHORT_MAX = 15;

    /** Names the flat table takes at most (it has twice as many slots). */
    static final int SHORT_ENTRIES_MAX = 1 << 14;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int SHORT_SLOTS = SHORT_ENTRIES_MAX * 2;
    private static final int SHORT_STRIDE = 4; // longs per slot: the name's two longs, its entry, padding

    /** Flat table: per slot the name's first 8 bytes, its next 7 bytes and length (top byte), and its entry. */
    private final long[] shortTable = new long[SHORT_SLOTS * SHORT_STRIDE];

    private final String[] shortStrings = new String[SHORT_ENTRIES_MAX];
    private final int[] shortIds = new int[SHORT_ENTRIES_MAX];
    private int shortEntries;

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
        if (length >= 1 && length <= SHORT_MAX && start + 2 * Long.BYTES <= data.length) {
            return decodeShort(data, start, length);
        }
        return decodeInSlots(data, start, length);
    }

    /**
     * A name of 1 to {@value #SHORT_MAX} bytes through the flat table; {@code data} has 16 bytes from {@code start}
     * (those past the name are masked off).
     */
    private String decodeShort(byte[] data, int start, int length) {
        long first = (long) LONGS.get(data, start);
        long second = (long) LONGS.get(data, start + Long.BYTES);
        if (length < Long.BYTES) {
            first &= (1L << (length * Byte.SIZE)) - 1;
            second = 0;
        } else {
            second &= (1L << ((length - Long.BYTES) * Byte.SIZE)) - 1; // length 8: shift 0, mask 0
        }
        second |= (long) length << 56; // never 0: tells a used slot from an empty one
        long h = (first * 0x9E3779B97F4A7C15L) ^ (second * 0xC2B2AE3D27D4EB4FL);
        int mask = SHORT_SLOTS - 1;
        for (int slot = (int) (h ^ (h >>> 29) ^ (h >>> 47)) & mask; ; slot = (slot + 1) & mask) {
            int at = slot * SHORT_STRIDE;
            long used = shortTable[at + 1];
            if (used == 0) {
                if (shortEntries == SHORT_ENTRIES_MAX) {
                    return decodeInSlots(data, start, length); // full: the slots cache the rest
                }
                misses++;
                String value = new String(data, start, length, StandardCharsets.UTF_8);
                int entry = shortEntries++;
                shortStrings[entry] = value;
                shortIds[entry] = number(value);
                shortTable[at] = first;
                shortTable[at + 1] = second;
                shortTable[at + 2] = entry;
                lastId = shortIds[entry];
                return value;
            }
            if (used == second && shortTable[at] == first) {
                hits++;
                int entry = (int) shortTable[at + 2];
                lastId = shortIds[entry];
                return shortStrings[entry];
            }
        }
    }

    /** Any name through the direct-mapped slots. */
    private String decodeInSlots(byte[] data, int start, int length) {
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
