package io.ledgerstream.sdk;

import io.ledgerstream.sdk.internal.UuidV7;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One command to the ledger, with the request ID that makes it idempotent.
 *
 * <p>Create commands with the static factories ({@link #deposit}, {@link #transfer}, ...), or with {@link
 * #withExpectedVersion(long)} / {@link #withRequestId(String)} when you need an optimistic-concurrency guard or your
 * own request ID. Every argument is validated before the object exists: a null or blank account ID, a non-positive
 * amount or a missing or malformed currency throws an {@link IllegalArgumentException} naming the field, so nothing
 * invalid is ever sent.
 *
 * <p><b>The request ID is fixed when the command is created</b> (a time-ordered UUID version 7, unless you supply
 * one) and never changes. Submitting the same {@code Command} object again, after a timeout or a crash of your
 * caller, therefore reuses the request ID: the engine recognises the retry and returns the original outcome, and the
 * command is applied at most once. Creating a new command with the same arguments creates a <i>new</i> request:
 * don't do that to retry. To retry across a restart of your process, store {@link #requestId()} with your own
 * record of the operation and rebuild the command with {@link #withRequestId(String)}.
 *
 * <p>Amounts are {@code long} minor units of the currency (e.g. cents), always {@code > 0}. Account, hold and
 * request IDs are non-blank strings of at most {@value #ID_LENGTH_MAX_CHARS} characters. Currencies are three
 * upper-case ASCII letters, e.g. {@code EUR}.
 *
 * <p>Immutable and thread-safe. {@link #equals(Object)} compares every field, including the request ID.
 */
public final class Command {

    /** Longest accepted account, hold or request ID, in UTF-16 characters (the engine's limit). */
    public static final int ID_LENGTH_MAX_CHARS = 128;

    /*
     * One generator per class loader: request IDs must be unique and ordered across every command this process
     * creates, whichever thread or client creates it, exactly like UUID.randomUUID()'s shared SecureRandom. Its only
     * state is the last timestamp issued (an AtomicLong); it has no configuration to pass in.
     */
    private static final UuidV7 REQUEST_IDS = UuidV7.systemGenerator();

    private static final Factory DEFAULT_FACTORY = new Factory(null, null);

    private final String requestId;
    private final CommandType type;
    private final String accountId;
    private final Long expectedVersion;
    private final long createdAtMs;
    private final Long amount;
    private final String currency;
    private final String toAccountId;
    private final String holdId;
    private final Long expiresAtMs;
    private final Long overdraftLimit;

    private Command(
            Factory factory,
            CommandType type,
            String accountId,
            Long amount,
            String currency,
            String toAccountId,
            String holdId,
            Long expiresAtMs,
            Long overdraftLimit) {
        this.type = type;
        this.accountId = requireId("accountId", accountId);
        this.amount = amount;
        this.currency = currency;
        this.toAccountId = toAccountId;
        this.holdId = holdId;
        this.expiresAtMs = expiresAtMs;
        this.overdraftLimit = overdraftLimit;
        this.expectedVersion = factory.expectedVersion;
        this.requestId = factory.requestId != null
                ? factory.requestId
                : REQUEST_IDS.next().toString();
        this.createdAtMs = System.currentTimeMillis();
    }

    /**
     * Opens an account with no overdraft.
     *
     * @param accountId the new account's ID; non-blank, at most {@value #ID_LENGTH_MAX_CHARS} characters
     * @param currency the account's currency, three upper-case letters such as {@code EUR}
     * @return a new command with a new request ID, never null
     * @throws IllegalArgumentException naming the field, if an argument is invalid
     */
    public static Command openAccount(String accountId, String currency) {
        return DEFAULT_FACTORY.openAccount(accountId, currency, 0);
    }

    /**
     * Opens an account whose available balance may go down to {@code -overdraftLimit}.
     *
     * @param accountId the new account's ID; non-blank, at most {@value #ID_LENGTH_MAX_CHARS} characters
     * @param currency the account's currency, three upper-case letters such as {@code EUR}
     * @param overdraftLimit how far below zero the available balance may go, minor units, {@code >= 0}
     * @return a new command with a new request ID, never null
     * @throws IllegalArgumentException naming the field, if an argument is invalid
     */
    public static Command openAccount(String accountId, String currency, long overdraftLimit) {
        return DEFAULT_FACTORY.openAccount(accountId, currency, overdraftLimit);
    }

    /**
     * Credits money to an account.
     *
     * @param accountId the account; non-blank, at most {@value #ID_LENGTH_MAX_CHARS} characters
     * @param amount minor units, {@code > 0}
     * @param currency three upper-case letters; must be the account's currency or the engine rejects it
     * @return a new command with a new request ID, never null
     * @throws IllegalArgumentException naming the field, if an argument is invalid
     */
    public static Command deposit(String accountId, long amount, String currency) {
        return DEFAULT_FACTORY.deposit(accountId, amount, currency);
    }

    /**
     * Debits money from an account if its available balance (minus the overdraft limit) allows.
     *
     * @param accountId the account; non-blank, at most {@value #ID_LENGTH_MAX_CHARS} characters
     * @param amount minor units, {@code > 0}
     * @param currency three upper-case letters; must be the account's currency or the engine rejects it
     * @return a new command with a new request ID, never null
     * @throws IllegalArgumentException naming the field, if an argument is invalid
     */
    public static Command withdraw(String accountId, long amount, String currency) {
        return DEFAULT_FACTORY.withdraw(accountId, amount, currency);
    }

    /**
     * Moves money from one account to another. The engine applies a transfer exactly once and atomically: the
     * source is debited and the destination credited, or neither (the source is refunded if the destination
     * refuses). This is the way to make a change to two accounts atomic.
     *
     * @param fromAccountId the source account, to which the command is addressed
     * @param toAccountId the destination account; must differ from the source
     * @param amount minor units, {@code > 0}
     * @param currency three upper-case letters; must be both accounts' currency or the engine rejects it
     * @return a new command with a new request ID, never null
     * @throws IllegalArgumentException naming the field, if an argument is invalid
     */
    public static Command transfer(String fromAccountId, String toAccountId, long amount, String currency) {
        return DEFAULT_FACTORY.transfer(fromAccountId, toAccountId, amount, currency);
    }

    /**
     * Reserves an amount on an account until it is captured, released or expires.
     *
     * @param accountId the account; non-blank, at most {@value #ID_LENGTH_MAX_CHARS} characters
     * @param holdId your ID of the hold, unique among the account's active holds; same rules as account IDs
     * @param amount minor units, {@code > 0}
     * @param currency three upper-case letters; must be the account's currency
     * @param expiresAt when the engine releases the hold by itself; after the epoch (the engine rejects a past expiry)
     * @return a new command with a new request ID, never null
     * @throws IllegalArgumentException naming the field, if an argument is invalid
     */
    public static Command placeHold(String accountId, String holdId, long amount, String currency, Instant expiresAt) {
        return DEFAULT_FACTORY.placeHold(accountId, holdId, amount, currency, expiresAt);
    }

    /**
     * Debits the whole amount of a hold.
     *
     * @param accountId the account; non-blank, at most {@value #ID_LENGTH_MAX_CHARS} characters
     * @param holdId the hold's ID
     * @return a new command with a new request ID, never null
     * @throws IllegalArgumentException naming the field, if an argument is invalid
     */
    public static Command captureHold(String accountId, String holdId) {
        return DEFAULT_FACTORY.captureHold(accountId, holdId, null);
    }

    /**
     * Debits part of a hold and releases the remainder.
     *
     * @param accountId the account; non-blank, at most {@value #ID_LENGTH_MAX_CHARS} characters
     * @param holdId the hold's ID
     * @param amount minor units to capture, {@code > 0} and at most the held amount
     * @return a new command with a new request ID, never null
     * @throws IllegalArgumentException naming the field, if an argument is invalid
     */
    public static Command captureHold(String accountId, String holdId, long amount) {
        return DEFAULT_FACTORY.captureHold(accountId, holdId, amount);
    }

    /**
     * Cancels a hold, freeing its amount.
     *
     * @param accountId the account; non-blank, at most {@value #ID_LENGTH_MAX_CHARS} characters
     * @param holdId the hold's ID
     * @return a new command with a new request ID, never null
     * @throws IllegalArgumentException naming the field, if an argument is invalid
     */
    public static Command releaseHold(String accountId, String holdId) {
        return DEFAULT_FACTORY.releaseHold(accountId, holdId);
    }

    /**
     * Returns the factory without options: its methods are the static factories of this class. Useful to add
     * options conditionally, as in {@code factory().withExpectedVersion(v)}.
     *
     * @return the factory, never null
     */
    public static Factory factory() {
        return DEFAULT_FACTORY;
    }

    /**
     * Starts a command that applies only if its account's version equals {@code expectedVersion} when the engine
     * decides it (else it is rejected with {@code VERSION_CONFLICT}). Use 0 with {@link Factory#openAccount}.
     *
     * @param expectedVersion the account version the command expects, {@code >= 0}
     * @return a factory for commands carrying this guard, never null
     * @throws IllegalArgumentException if {@code expectedVersion} is negative
     */
    public static Factory withExpectedVersion(long expectedVersion) {
        return DEFAULT_FACTORY.withExpectedVersion(expectedVersion);
    }

    /**
     * Starts a command with a request ID you supply instead of a generated one: use it to retry, after a restart of
     * your process, a command whose {@link #requestId()} you stored. The arguments must be the same as the first
     * time, or the engine rejects the command with {@code REQUEST_ID_REUSED} and applies nothing.
     *
     * @param requestId the request ID; non-blank, at most {@value #ID_LENGTH_MAX_CHARS} characters
     * @return a factory for commands with this request ID, never null
     * @throws IllegalArgumentException if {@code requestId} is null, blank or too long
     */
    public static Factory withRequestId(String requestId) {
        return DEFAULT_FACTORY.withRequestId(requestId);
    }

    /**
     * Returns the request ID: fixed at creation and sent with every submission of this object.
     *
     * @return a non-blank string of at most {@value #ID_LENGTH_MAX_CHARS} characters (a UUID unless supplied)
     */
    public String requestId() {
        return requestId;
    }

    /**
     * Returns the kind of command.
     *
     * @return the type, never null
     */
    public CommandType type() {
        return type;
    }

    /**
     * Returns the account the command is addressed to (the source of a transfer). It is the record key, and decides
     * the commands partition by the shared consistent hash.
     *
     * @return the account ID, never null
     */
    public String accountId() {
        return accountId;
    }

    /**
     * Returns the optimistic-concurrency guard, if any.
     *
     * @return the expected account version ({@code >= 0}), or empty
     */
    public OptionalLong expectedVersion() {
        return optional(expectedVersion);
    }

    /**
     * Returns when this object was created, sent to the engine as {@code submittedAtMs} (informational only).
     *
     * @return epoch milliseconds
     */
    public long createdAtMs() {
        return createdAtMs;
    }

    /**
     * Returns the amount of a deposit, withdrawal, transfer or hold, or of a partial capture.
     *
     * @return minor units, {@code > 0}; empty for open account, release hold and a full capture
     */
    public OptionalLong amount() {
        return optional(amount);
    }

    /**
     * Returns the currency of an open account, deposit, withdrawal, transfer or hold.
     *
     * @return three upper-case letters; empty for capture and release
     */
    public Optional<String> currency() {
        return Optional.ofNullable(currency);
    }

    /**
     * Returns the destination of a transfer.
     *
     * @return the destination account ID; empty for other types
     */
    public Optional<String> toAccountId() {
        return Optional.ofNullable(toAccountId);
    }

    /**
     * Returns the hold ID of a place, capture or release hold command.
     *
     * @return the hold ID; empty for other types
     */
    public Optional<String> holdId() {
        return Optional.ofNullable(holdId);
    }

    /**
     * Returns the expiry of a place hold command.
     *
     * @return epoch milliseconds, {@code > 0}; empty for other types
     */
    public OptionalLong expiresAtMs() {
        return optional(expiresAtMs);
    }

    /**
     * Returns the overdraft limit of an open account command.
     *
     * @return minor units, {@code >= 0}; empty for other types
     */
    public OptionalLong overdraftLimit() {
        return optional(overdraftLimit);
    }

    /**
     * Returns whether {@code other} carries the same request ID and payload (everything except the creation time),
     * i.e. whether sending both is sending one request twice.
     *
     * @param other another command; not null
     * @return true if the engine would treat {@code other} as a retry of this command
     */
    public boolean isRetryOf(Command other) {
        Objects.requireNonNull(other, "other");
        return requestId.equals(other.requestId)
                && type == other.type
                && accountId.equals(other.accountId)
                && Objects.equals(expectedVersion, other.expectedVersion)
                && Objects.equals(amount, other.amount)
                && Objects.equals(currency, other.currency)
                && Objects.equals(toAccountId, other.toAccountId)
                && Objects.equals(holdId, other.holdId)
                && Objects.equals(expiresAtMs, other.expiresAtMs)
                && Objects.equals(overdraftLimit, other.overdraftLimit);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Command other && isRetryOf(other) && createdAtMs == other.createdAtMs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, type, accountId, amount, currency, toAccountId, holdId);
    }

    /** Returns a one-line description for logs, e.g. {@code Deposit[requestId=..., accountId=alice, amount=100]}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(type.wireName())
                .append("[requestId=")
                .append(requestId)
                .append(", accountId=")
                .append(accountId);
        append(s, "toAccountId", toAccountId);
        append(s, "holdId", holdId);
        append(s, "amount", amount);
        append(s, "currency", currency);
        append(s, "expiresAtMs", expiresAtMs);
        append(s, "overdraftLimit", overdraftLimit);
        append(s, "expectedVersion", expectedVersion);
        return s.append(']').toString();
    }

    private static void append(StringBuilder s, String name, Object value) {
        if (value != null) {
            s.append(", ").append(name).append('=').append(value);
        }
    }

    private static OptionalLong optional(Long value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    static String requireId(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required, was null");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, was '" + value + "'");
        }
        if (value.length() > ID_LENGTH_MAX_CHARS) {
            throw new IllegalArgumentException(
                    field + " must be at most " + ID_LENGTH_MAX_CHARS + " characters, was " + value.length());
        }
        return value;
    }

    static long requirePositive(String field, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be > 0 (minor units), was " + value);
        }
        return value;
    }

    static String requireCurrency(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required, was null");
        }
        boolean valid = value.length() == 3;
        for (int i = 0; valid && i < 3; i++) {
            char c = value.charAt(i);
            valid = c >= 'A' && c <= 'Z';
        }
        if (!valid) {
            throw new IllegalArgumentException(
                    field + " must be three upper-case letters such as EUR, was '" + value + "'");
        }
        return value;
    }

    /**
     * Creates commands carrying an expected version and/or a caller-supplied request ID; obtained from {@link
     * Command#withExpectedVersion(long)} or {@link Command#withRequestId(String)}. Its methods validate like the
     * static factories of {@link Command}.
     *
     * <p>Immutable and thread-safe. A factory with a request ID gives that ID to every command it creates: create
     * one command per factory unless you mean to send the same request again.
     */
    public static final class Factory {
        private final Long expectedVersion;
        private final String requestId;

        private Factory(Long expectedVersion, String requestId) {
            this.expectedVersion = expectedVersion;
            this.requestId = requestId;
        }

        /**
         * Returns a factory that also sets the expected version; see {@link Command#withExpectedVersion(long)}.
         *
         * @param expectedVersion the account version the command expects, {@code >= 0}
         * @return a new factory, never null
         * @throws IllegalArgumentException if {@code expectedVersion} is negative
         */
        public Factory withExpectedVersion(long expectedVersion) {
            if (expectedVersion < 0) {
                throw new IllegalArgumentException("expectedVersion must be >= 0, was " + expectedVersion);
            }
            return new Factory(expectedVersion, requestId);
        }

        /**
         * Returns a factory that also sets the request ID; see {@link Command#withRequestId(String)}.
         *
         * @param requestId the request ID; non-blank, at most {@value Command#ID_LENGTH_MAX_CHARS} characters
         * @return a new factory, never null
         * @throws IllegalArgumentException if {@code requestId} is null, blank or too long
         */
        public Factory withRequestId(String requestId) {
            return new Factory(expectedVersion, requireId("requestId", requestId));
        }

        /**
         * Like {@link Command#openAccount(String, String, long)}, with this factory's options.
         *
         * @param accountId the new account's ID
         * @param currency the account's currency
         * @param overdraftLimit minor units, {@code >= 0}
         * @return a new command, never null
         * @throws IllegalArgumentException naming the field, if an argument is invalid
         */
        public Command openAccount(String accountId, String currency, long overdraftLimit) {
            if (overdraftLimit < 0) {
                throw new IllegalArgumentException("overdraftLimit must be >= 0 (minor units), was " + overdraftLimit);
            }
            return new Command(
                    this,
                    CommandType.OPEN_ACCOUNT,
                    requireId("accountId", accountId),
                    null,
                    requireCurrency("currency", currency),
                    null,
                    null,
                    null,
                    overdraftLimit);
        }

        /**
         * Like {@link Command#deposit}, with this factory's options.
         *
         * @param accountId the account
         * @param amount minor units, {@code > 0}
         * @param currency three upper-case letters
         * @return a new command, never null
         * @throws IllegalArgumentException naming the field, if an argument is invalid
         */
        public Command deposit(String accountId, long amount, String currency) {
            return new Command(
                    this,
                    CommandType.DEPOSIT,
                    requireId("accountId", accountId),
                    requirePositive("amount", amount),
                    requireCurrency("currency", currency),
                    null,
                    null,
                    null,
                    null);
        }

        /**
         * Like {@link Command#withdraw}, with this factory's options.
         *
         * @param accountId the account
         * @param amount minor units, {@code > 0}
         * @param currency three upper-case letters
         * @return a new command, never null
         * @throws IllegalArgumentException naming the field, if an argument is invalid
         */
        public Command withdraw(String accountId, long amount, String currency) {
            return new Command(
                    this,
                    CommandType.WITHDRAW,
                    requireId("accountId", accountId),
                    requirePositive("amount", amount),
                    requireCurrency("currency", currency),
                    null,
                    null,
                    null,
                    null);
        }

        /**
         * Like {@link Command#transfer}, with this factory's options (the expected version guards the source).
         *
         * @param fromAccountId the source account
         * @param toAccountId the destination account, different from the source
         * @param amount minor units, {@code > 0}
         * @param currency three upper-case letters
         * @return a new command, never null
         * @throws IllegalArgumentException naming the field, if an argument is invalid
         */
        public Command transfer(String fromAccountId, String toAccountId, long amount, String currency) {
            requireId("fromAccountId", fromAccountId);
            requireId("toAccountId", toAccountId);
            if (fromAccountId.equals(toAccountId)) {
                throw new IllegalArgumentException(
                        "toAccountId must differ from fromAccountId, both were '" + toAccountId + "'");
            }
            return new Command(
                    this,
                    CommandType.TRANSFER,
                    fromAccountId,
                    requirePositive("amount", amount),
                    requireCurrency("currency", currency),
                    toAccountId,
                    null,
                    null,
                    null);
        }

        /**
         * Like {@link Command#placeHold}, with this factory's options.
         *
         * @param accountId the account
         * @param holdId the hold's ID
         * @param amount minor units, {@code > 0}
         * @param currency three upper-case letters
         * @param expiresAt the hold's expiry, after the epoch
         * @return a new command, never null
         * @throws IllegalArgumentException naming the field, if an argument is invalid
         */
        public Command placeHold(String accountId, String holdId, long amount, String currency, Instant expiresAt) {
            if (expiresAt == null) {
                throw new IllegalArgumentException("expiresAt is required, was null");
            }
            long expiresAtMs = expiresAt.toEpochMilli();
            if (expiresAtMs <= 0) {
                throw new IllegalArgumentException("expiresAt must be after the epoch, was " + expiresAt);
            }
            return new Command(
                    this,
                    CommandType.PLACE_HOLD,
                    requireId("accountId", accountId),
                    requirePositive("amount", amount),
                    requireCurrency("currency", currency),
                    null,
                    requireId("holdId", holdId),
                    expiresAtMs,
                    null);
        }

        /**
         * Like {@link Command#captureHold(String, String, long)}, with this factory's options.
         *
         * @param accountId the account
         * @param holdId the hold's ID
         * @param amount minor units to capture, {@code > 0}; null captures the whole hold
         * @return a new command, never null
         * @throws IllegalArgumentException naming the field, if an argument is invalid
         */
        public Command captureHold(String accountId, String holdId, Long amount) {
            if (amount != null) {
                requirePositive("amount", amount);
            }
            return new Command(
                    this,
                    CommandType.CAPTURE_HOLD,
                    requireId("accountId", accountId),
                    amount,
                    null,
                    null,
                    requireId("holdId", holdId),
                    null,
                    null);
        }

        /**
         * Like {@link Command#releaseHold}, with this factory's options.
         *
         * @param accountId the account
         * @param holdId the hold's ID
         * @return a new command, never null
         * @throws IllegalArgumentException naming the field, if an argument is invalid
         */
        public Command releaseHold(String accountId, String holdId) {
            return new Command(
                    this,
                    CommandType.RELEASE_HOLD,
                    requireId("accountId", accountId),
                    null,
                    null,
                    null,
                    requireId("holdId", holdId),
                    null,
                    null);
        }
    }
}
