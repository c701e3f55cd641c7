package io.ledgerstream.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One applied fact on one account, in a flat envelope. Versions are gapless per account and every event is
 * hash-chained to the previous one, so an auditor holding the log can detect an altered, dropped or inserted event.
 * Immutable and thread-safe: the hash arrays are copied in and out, and {@link #equals}/{@link #hashCode} compare
 * them by content.
 *
 * <h2>Hash chain</h2>
 *
 * {@code hash = SHA-256(prevHash || canonicalBytes())}, where {@code prevHash} is the previous event's {@code hash}
 * ({@link Hashes#GENESIS_HASH}, 32 zero bytes, for {@link AccountOpened}).
 *
 * <h2>Canonical bytes (encoding version 1)</h2>
 *
 * A {@link java.io.DataOutputStream} (big-endian) writes, in this fixed order:
 *
 * <ol>
 *   <li>{@code byte} encoding version, {@code 1};
 *   <li>{@code string} accountId; {@code long} version; {@code string} requestId; {@code long} timestampMs;
 *       {@code string} currency; {@code long} balanceAfter; {@code long} heldAfter;
 *   <li>{@code byte} body type tag, then the body's components in declaration order:
 *       <table>
 *         <caption>Body tags</caption>
 *         <tr><th>tag</th><th>body</th><th>fields</th></tr>
 *         <tr><td>1</td><td>{@link AccountOpened}</td><td>long overdraftLimit</td></tr>
 *         <tr><td>2</td><td>{@link Credited}</td><td>long amount</td></tr>
 *         <tr><td>3</td><td>{@link Debited}</td><td>long amount</td></tr>
 *         <tr><td>4</td><td>{@link TransferDebited}</td><td>string toAccountId, long amount</td></tr>
 *         <tr><td>5</td><td>{@link TransferCredited}</td><td>string fromAccountId, long amount</td></tr>
 *         <tr><td>6</td><td>{@link TransferRefunded}</td><td>string toAccountId, long amount,
 *             string reason ({@link Reason#name()})</td></tr>
 *         <tr><td>7</td><td>{@link HoldPlaced}</td><td>string holdId, long amount, long expiresAtMs</td></tr>
 *         <tr><td>8</td><td>{@link HoldCaptured}</td><td>string holdId, long amount, long releasedAmount</td></tr>
 *         <tr><td>9</td><td>{@link HoldReleased}</td><td>string holdId, long amount</td></tr>
 *         <tr><td>10</td><td>{@link HoldExpired}</td><td>string holdId, long amount</td></tr>
 *       </table>
 * </ol>
 *
 * A {@code string} is its UTF-8 byte length as a 4-byte big-endian {@code int} followed by the UTF-8 bytes; a
 * {@code long} is 8 bytes big-endian. {@code prevHash} is not part of the canonical bytes (it is prepended by the
 * hash), nor is {@code hash} itself. The encoding, the tags and the reason names are part of the on-disk contract:
 * changing any of them breaks every existing chain. A change needs a new encoding version.
 *
 * @param accountId the account this event changed; not null
 * @param version the account's version after this event: 1 for {@link AccountOpened}, then +1 per event
 * @param requestId the request that caused the event ({@code "expiry:" + holdId} for {@link HoldExpired}); not null
 * @param timestampMs when the core decided the event (the {@code nowMs} passed in), epoch milliseconds
 * @param currency the account's currency, {@code [A-Z]{3}}; not null
 * @param body the fact; not null
 * @param balanceAfter booked balance after the event, minor units
 * @param heldAfter sum of active holds after the event, minor units, {@code >= 0}
 * @param prevHash hash of the account's previous event (genesis for the first), 32 bytes; not null (copied)
 * @param hash {@code SHA-256(prevHash || canonicalBytes())}, 32 bytes; not null (copied)
 */
public record LedgerEvent(
        String accountId,
        long version,
        String requestId,
        long timestampMs,
        String currency,
        EventBody body,
        long balanceAfter,
        long heldAfter,
        byte[] prevHash,
        byte[] hash) {

    /** Same array as {@link Hashes#GENESIS_HASH}; see its warning: never write into it. */
    public static final byte[] GENESIS_HASH = Hashes.GENESIS_HASH;

    /** Version of the canonical encoding written as its first byte. */
    public static final int CANONICAL_ENCODING_VERSION = 1;

    /**
     * Checks that no component is null and both hashes have 32 bytes ({@link InvariantViolation} otherwise: such an event can only come from a bug or a corrupted log), and copies the hashes.
     *
     * @param accountId see the record component
     * @param version see the record component
     * @param requestId see the record component
     * @param timestampMs see the record component
     * @param currency see the record component
     * @param body see the record component
     * @param balanceAfter see the record component
     * @param heldAfter see the record component
     * @param prevHash see the record component
     * @param hash see the record component
     */
    public LedgerEvent {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
        if (prevHash.length != Hashes.HASH_LENGTH_BYTES || hash.length != Hashes.HASH_LENGTH_BYTES) {
            throw new InvariantViolation("event " + accountId + "@" + version + ": hashes must have "
                    + Hashes.HASH_LENGTH_BYTES + " bytes, prevHash has " + prevHash.length + ", hash has "
                    + hash.length);
        }
        prevHash = prevHash.clone();
        hash = hash.clone();
    }

    /**
     * Computes the hash of an event with these fields: {@code SHA-256(prevHash || canonical bytes)}.
     *
     * @param accountId not null
     * @param version the event's version
     * @param requestId not null
     * @param timestampMs epoch milliseconds
     * @param currency not null
     * @param body not null
     * @param balanceAfter minor units
     * @param heldAfter minor units
     * @param prevHash 32 bytes; not null
     * @return the 32-byte hash
     */
    public static byte[] computeHash(
            String accountId,
            long version,
            String requestId,
            long timestampMs,
            String currency,
            EventBody body,
            long balanceAfter,
            long heldAfter,
            byte[] prevHash) {
        Objects.requireNonNull(prevHash, "prevHash");
        return Hashes.sha256(
                prevHash,
                canonical(accountId, version, requestId, timestampMs, currency, body, balanceAfter, heldAfter));
    }

    /**
     * The canonical encoding of this event (everything but {@code prevHash} and {@code hash}); see the type's
     * documentation.
     *
     * @return a new array
     */
    public byte[] canonicalBytes() {
        return canonical(accountId, version, requestId, timestampMs, currency, body, balanceAfter, heldAfter)
                .toByteArray();
    }

    /**
     * The hash this event must carry: {@code SHA-256(prevHash || canonicalBytes())}.
     *
     * @return a new 32-byte array
     */
    public byte[] expectedHash() {
        return computeHash(
                accountId, version, requestId, timestampMs, currency, body, balanceAfter, heldAfter, prevHash);
    }

    /**
     * Whether {@link #hash()} equals {@link #expectedHash()} (the event was not altered after hashing).
     *
     * @return true if the stored hash is correct
     */
    public boolean hasValidHash() {
        return Arrays.equals(hash, expectedHash());
    }

    /**
     * A copy of the previous event's hash.
     *
     * @return a new 32-byte array
     */
    @Override
    public byte[] prevHash() {
        return prevHash.clone();
    }

    /**
     * A copy of this event's hash.
     *
     * @return a new 32-byte array
     */
    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** Package-private accessors that avoid the copy, for the core's own read-only use. */
    byte[] prevHashUnsafe() {
        return prevHash;
    }

    byte[] hashUnsafe() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LedgerEvent)) {
            return false;
        }
        LedgerEvent other = (LedgerEvent) o;
        return version == other.version
                && timestampMs == other.timestampMs
                && balanceAfter == other.balanceAfter
                && heldAfter == other.heldAfter
                && accountId.equals(other.accountId)
                && requestId.equals(other.requestId)
                && currency.equals(other.currency)
                && body.equals(other.body)
                && Arrays.equals(prevHash, other.prevHash)
                && Arrays.equals(hash, other.hash);
    }

    @Override
    public int hashCode() {
        int result = Objects.hash(accountId, version, requestId, timestampMs, currency, body, balanceAfter, heldAfter);
        result = 31 * result + Arrays.hashCode(prevHash);
        return 31 * result + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "LedgerEvent[accountId=" + accountId + ", version=" + version + ", requestId=" + requestId
                + ", timestampMs=" + timestampMs + ", currency=" + currency + ", body=" + body + ", balanceAfter="
                + balanceAfter + ", heldAfter=" + heldAfter + ", prevHash=" + Hashes.toHex(prevHash) + ", hash="
                + Hashes.toHex(hash) + "]";
    }

    private static CanonicalWriter canonical(
            String accountId,
            long version,
            String requestId,
            long timestampMs,
            String currency,
            EventBody body,
            long balanceAfter,
            long heldAfter) {
        BodyEncoder encoder = THREAD_ENCODER.get();
        CanonicalWriter out = encoder.out
                .reset()
                .writeByte(CANONICAL_ENCODING_VERSION)
                .writeString(Objects.requireNonNull(accountId, "accountId"))
                .writeLong(version)
                .writeString(Objects.requireNonNull(requestId, "requestId"))
                .writeLong(timestampMs)
                .writeString(Objects.requireNonNull(currency, "currency"))
                .writeLong(balanceAfter)
                .writeLong(heldAfter);
        Objects.requireNonNull(body, "body").accept(encoder);
        return out;
    }

    /**
     * One encoder (and buffer) per thread, reset before each use: the audit encodes every event it replays and the
     * engine every event it writes. What {@link #canonical} returns is consumed (hashed or copied) before the thread
     * encodes again.
     */
    private static final ThreadLocal<BodyEncoder> THREAD_ENCODER =
            ThreadLocal.withInitial(() -> new BodyEncoder(new CanonicalWriter()));

    /** Writes a body's tag and components; the tags are part of the on-disk contract. */
    private static final class BodyEncoder implements EventBody.Visitor<Void> {
        private final CanonicalWriter out;

        BodyEncoder(CanonicalWriter out) {
            this.out = out;
        }

        @Override
        public Void accountOpened(AccountOpened body) {
            out.writeByte(1).writeLong(body.overdraftLimit());
            return null;
        }

        @Override
        public Void credited(Credited body) {
            out.writeByte(2).writeLong(body.amount());
            return null;
        }

        @Override
        public Void debited(Debited body) {
            out.writeByte(3).writeLong(body.amount());
            return null;
        }

        @Override
        public Void transferDebited(TransferDebited body) {
            out.writeByte(4).writeString(body.toAccountId()).writeLong(body.amount());
            return null;
        }

        @Override
        public Void transferCredited(TransferCredited body) {
            out.writeByte(5).writeString(body.fromAccountId()).writeLong(body.amount());
            return null;
        }

        @Override
        public Void transferRefunded(TransferRefunded body) {
            out.writeByte(6)
                    .writeString(body.toAccountId())
                    .writeLong(body.amount())
                    .writeString(body.reason().name());
            return null;
        }

        @Override
        public Void holdPlaced(HoldPlaced body) {
            out.writeByte(7).writeString(body.holdId()).writeLong(body.amount()).writeLong(body.expiresAtMs());
            return null;
        }

        @Override
        public Void holdCaptured(HoldCaptured body) {
            out.writeByte(8).writeString(body.holdId()).writeLong(body.amount()).writeLong(body.releasedAmount());
            return null;
        }

        @Override
        public Void holdReleased(HoldReleased body) {
            out.writeByte(9).writeString(body.holdId()).writeLong(body.amount());
            return null;
        }

        @Override
        public Void holdExpired(HoldExpired body) {
            out.writeByte(10).writeString(body.holdId()).writeLong(body.amount());
            return null;
        }
    }
}
