package io.ledgerstream.core;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Stable key hashing and jump consistent hashing of keys onto partitions. Stateless and thread-safe.
 *
 * <p>Both functions are part of the on-disk contract (they decide which partition owns an account or a client's
 * outcomes): their results must never change. Tests pin known values.
 */
public final class ConsistentHash {
    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private ConsistentHash() {}

    /**
     * A stable 64-bit hash of the key's UTF-8 bytes: 64-bit FNV-1a (offset basis {@code 0xcbf29ce484222325}, prime
     * {@code 0x100000001b3}: for each byte, {@code h ^= b; h *= prime}) followed by the SplitMix64 finalizer for
     * avalanche ({@code h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9; h = (h ^ (h >>> 27)) * 0x94d049bb133111eb; h ^=
     * h >>> 31}).
     *
     * @param key the key; not null
     * @return the hash, any {@code long}
     * @throws NullPointerException if {@code key} is null
     */
    public static long hash64(String key) {
        Objects.requireNonNull(key, "key");
        return hash64(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@link #hash64(String)} of the key whose UTF-8 encoding is {@code keyUtf8} (e.g. a Kafka record key), without
     * decoding it.
     *
     * @param keyUtf8 the key's UTF-8 bytes; not null, not modified
     * @return the hash, any {@code long}
     * @throws NullPointerException if {@code keyUtf8} is null
     */
    public static long hash64(byte[] keyUtf8) {
        Objects.requireNonNull(keyUtf8, "keyUtf8");
        long h = FNV_OFFSET_BASIS;
        for (byte b : keyUtf8) {
            h ^= b & 0xFF;
            h *= FNV_PRIME;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    /**
     * The partition of a key: Lamping and Veach's jump consistent hash ("A Fast, Minimal Memory, Consistent Hash
     * Algorithm", 2014) of {@link #hash64(String)}. Growing from {@code n} to {@code n + 1} partitions moves about
     * {@code 1/(n + 1)} of the keys, all of them to the new partition {@code n}.
     *
     * @param key the key; not null
     * @param numPartitions the number of partitions, {@code >= 1}
     * @return the partition, in {@code [0, numPartitions)}
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code numPartitions < 1}
     */
    public static int partition(String key, int numPartitions) {
        Objects.requireNonNull(key, "key");
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be >= 1, was " + numPartitions);
        }
        return jump(hash64(key), numPartitions);
    }

    /**
     * {@link #partition(String, int)} of the key whose UTF-8 encoding is {@code keyUtf8}, without decoding it.
     *
     * @param keyUtf8 the key's UTF-8 bytes; not null, not modified
     * @param numPartitions the number of partitions, {@code >= 1}
     * @return the partition, in {@code [0, numPartitions)}
     * @throws NullPointerException if {@code keyUtf8} is null
     * @throws IllegalArgumentException if {@code numPartitions < 1}
     */
    public static int partition(byte[] keyUtf8, int numPartitions) {
        Objects.requireNonNull(keyUtf8, "keyUtf8");
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be >= 1, was " + numPartitions);
        }
        return jump(hash64(keyUtf8), numPartitions);
    }

    private static int jump(long key, int numBuckets) {
        long bucket = -1;
        long next = 0;
        while (next < numBuckets) {
            bucket = next;
            key = key * 2862933555777941757L + 1;
            next = (long) ((bucket + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
        }
        return (int) bucket;
    }
}
