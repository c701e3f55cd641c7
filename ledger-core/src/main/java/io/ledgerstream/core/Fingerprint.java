package io.ledgerstream.core;

import java.security.MessageDigest;
import java.util.Objects;

/**
 * The fingerprint of a request's payload, used to detect a request ID reused with a different payload ({@link
 * Reason#REQUEST_ID_REUSED}): two requests with the same ID and the same fingerprint are retries of one request.
 * Stateless and thread-safe.
 *
 * <p>{@code fingerprint = SHA-256(canonical bytes)}, where the canonical bytes (encoding version 1, big-endian
 * {@link java.io.DataOutputStream} primitives) are, in this order:
 *
 * <ol>
 *   <li>{@code byte} encoding version, {@code 1};
 *   <li>{@code expectedVersion}: a presence byte (0 absent, 1 present) then, if present, the {@code long};
 *   <li>{@code byte} command type tag: OpenAccount 1, Deposit 2, Withdraw 3, Transfer 4, PlaceHold 5, CaptureHold
 *       6, ReleaseHold 7;
 *   <li>every component of the command in declaration order: a {@code long} as 8 bytes; a string as a presence
 *       byte then, if present, its UTF-8 byte length as a 4-byte {@code int} and the UTF-8 bytes; an {@code
 *       OptionalLong} as a presence byte then, if present, the {@code long}.
 * </ol>
 *
 * The request ID is deliberately excluded. Fingerprints are stored by the deduplication layer, so this encoding is
 * part of the on-disk contract.
 */
public final class Fingerprint {
    /** Version of the canonical encoding written as its first byte. */
    public static final int ENCODING_VERSION = 1;

    private Fingerprint() {}

    /**
     * The fingerprint of a request's payload (command and expected version, not the request ID).
     *
     * @param request the request; not null (its strings may be null or invalid: every request has a fingerprint)
     * @return a new 32-byte SHA-256 digest
     */
    public static byte[] of(Request request) {
        Objects.requireNonNull(request, "request");
        CanonicalWriter out =
                new CanonicalWriter().writeByte(ENCODING_VERSION).writeOptionalLong(request.expectedVersion());
        request.command().accept(new CommandEncoder(out));
        return Hashes.sha256(out.toByteArray());
    }

    /**
     * Whether the request's payload has this fingerprint, i.e. whether the request is a retry of the one that
     * recorded it.
     *
     * @param request the request; not null
     * @param fingerprint a stored fingerprint; not null
     * @return true if {@code of(request)} equals {@code fingerprint}
     */
    public static boolean matches(Request request, byte[] fingerprint) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        return MessageDigest.isEqual(of(request), fingerprint);
    }

    private static final class CommandEncoder implements Command.Visitor<Void> {
        private final CanonicalWriter out;

        CommandEncoder(CanonicalWriter out) {
            this.out = out;
        }

        @Override
        public Void openAccount(OpenAccount c) {
            out.writeByte(1)
                    .writeNullableString(c.accountId())
                    .writeNullableString(c.currency())
                    .writeLong(c.overdraftLimit());
            return null;
        }

        @Override
        public Void deposit(Deposit c) {
            out.writeByte(2)
                    .writeNullableString(c.accountId())
                    .writeLong(c.amount())
                    .writeNullableString(c.currency());
            return null;
        }

        @Override
        public Void withdraw(Withdraw c) {
            out.writeByte(3)
                    .writeNullableString(c.accountId())
                    .writeLong(c.amount())
                    .writeNullableString(c.currency());
            return null;
        }

        @Override
        public Void transfer(Transfer c) {
            out.writeByte(4)
                    .writeNullableString(c.accountId())
                    .writeNullableString(c.toAccountId())
                    .writeLong(c.amount())
                    .writeNullableString(c.currency());
            return null;
        }

        @Override
        public Void placeHold(PlaceHold c) {
            out.writeByte(5)
                    .writeNullableString(c.accountId())
                    .writeNullableString(c.holdId())
                    .writeLong(c.amount())
                    .writeNullableString(c.currency())
                    .writeLong(c.expiresAtMs());
            return null;
        }

        @Override
        public Void captureHold(CaptureHold c) {
            out.writeByte(6)
                    .writeNullableString(c.accountId())
                    .writeNullableString(c.holdId())
                    .writeOptionalLong(c.amount());
            return null;
        }

        @Override
        public Void releaseHold(ReleaseHold c) {
            out.writeByte(7).writeNullableString(c.accountId()).writeNullableString(c.holdId());
            return null;
        }
    }
}
