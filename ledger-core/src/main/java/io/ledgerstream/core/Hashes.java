package io.ledgerstream.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 helpers and the genesis hash of every account's hash chain. Stateless and thread-safe.
 */
public final class Hashes {
    /** Length of every hash in the ledger (SHA-256), in bytes. */
    public static final int HASH_LENGTH_BYTES = 32;

    /**
     * The {@code prevHash} of every account's first event ({@link AccountOpened}): 32 zero bytes.
     *
     * <p>Java cannot make a {@code static final} array immutable: <strong>never write into it</strong>. The core does
     * not read this field (it compares against a fresh array), so a careless write cannot corrupt its checks; prefer
     * {@link #genesis()}, which returns a fresh copy.
     */
    public static final byte[] GENESIS_HASH = new byte[HASH_LENGTH_BYTES];

    /**
     * One digest per thread, reset before each use: hashing runs on every event the engine writes and the audit
     * replays, and a digest per hash (even cloned) showed in the audit's profile. Nothing this class calls while
     * hashing hashes again, so a thread never needs two at once.
     */
    private static final ThreadLocal<MessageDigest> THREAD_DIGEST = ThreadLocal.withInitial(Hashes::newSha256);

    private Hashes() {}

    /**
     * A fresh copy of the genesis hash (32 zero bytes).
     *
     * @return a new array the caller may keep
     */
    public static byte[] genesis() {
        return new byte[HASH_LENGTH_BYTES];
    }

    /**
     * Whether {@code hash} is the genesis hash (32 zero bytes).
     *
     * @param hash the hash; not null
     * @return true if it has 32 bytes, all zero
     */
    public static boolean isGenesis(byte[] hash) {
        return MessageDigest.isEqual(hash, new byte[HASH_LENGTH_BYTES]);
    }

    /**
     * Lower-case hexadecimal rendering, for messages and logs.
     *
     * @param bytes the bytes; null renders as {@code "null"}
     * @return the hex string
     */
    public static String toHex(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        StringBuilder hex = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            hex.append(Character.forDigit((b >>> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return hex.toString();
    }

    /**
     * SHA-256 of the concatenation of the parts.
     *
     * @param parts the byte arrays to hash, in order; not null
     * @return the 32-byte digest
     */
    static byte[] sha256(byte[]... parts) {
        MessageDigest digest = THREAD_DIGEST.get();
        digest.reset();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    /**
     * SHA-256 of {@code prefix} followed by what {@code writer} holds, hashed from the writer's buffer in place.
     *
     * @param prefix not null
     * @param writer not null
     * @return the 32-byte digest
     */
    static byte[] sha256(byte[] prefix, CanonicalWriter writer) {
        MessageDigest digest = THREAD_DIGEST.get();
        digest.reset();
        digest.update(prefix);
        writer.writeTo(digest);
        return digest.digest();
    }

    /** A new SHA-256 digest (once per thread, see {@link #THREAD_DIGEST}). */
    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // every Java platform is required to provide SHA-256
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
