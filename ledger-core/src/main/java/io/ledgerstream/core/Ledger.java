package io.ledgerstream.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The ledger's business rules: {@code decide} turns a command and the current state into a {@link Decision}, and
 * {@link #evolve} applies one event to a state. The stream processors, the audit replayer and the tests all call
 * these same functions.
 *
 * <p>Pure and stateless (hence thread-safe): no clock (time is passed in as {@code nowMs}, epoch milliseconds, and
 * becomes the events' {@code timestampMs}), no randomness, no I/O. Every event a {@code decide} method emits has
 * already been applied with {@link #evolve} before it is returned, so the core never emits an event it would refuse
 * to apply.
 *
 * <h2>Check order</h2>
 *
 * A command is checked in this order, and the first failure is the rejection:
 *
 * <ol>
 *   <li><b>Validation</b> ({@link Reason#INVALID_COMMAND}, {@link Reason#INVALID_AMOUNT}), field by field in this
 *       order: {@code requestId}, {@code expectedVersion} ({@code >= 0}), then the command's components in
 *       declaration order. Ids must be non-blank and at most {@link #MAX_ID_LENGTH_CHARS} characters; currencies
 *       must match {@code [A-Z]{3}}; amounts must be {@code > 0} (else {@code INVALID_AMOUNT}); an overdraft limit
 *       must be {@code >= 0}; a new hold's {@code expiresAtMs} must be {@code > nowMs}. The detail starts with the
 *       field's name.
 *   <li><b>Existence</b>: {@link Reason#ACCOUNT_EXISTS} for {@link OpenAccount} on an open account; {@link
 *       Reason#UNKNOWN_ACCOUNT} for any other command on a missing one.
 *   <li><b>Version</b>: {@link Reason#VERSION_CONFLICT} if {@code expectedVersion} is present and differs from the
 *       account's version (0 for {@code OpenAccount}).
 *   <li><b>Business rules</b>, per command:
 *       <ul>
 *         <li>Deposit: {@code CURRENCY_MISMATCH}, {@code AMOUNT_OVERFLOW};
 *         <li>Withdraw: {@code CURRENCY_MISMATCH}, {@code AMOUNT_OVERFLOW}, {@code INSUFFICIENT_FUNDS};
 *         <li>Transfer: {@code SAME_ACCOUNT}, {@code CURRENCY_MISMATCH}, {@code AMOUNT_OVERFLOW}, {@code
 *             INSUFFICIENT_FUNDS}; then, for {@link #decideLocalTransfer}, the destination ({@code
 *             DESTINATION_REJECTED});
 *         <li>PlaceHold: {@code CURRENCY_MISMATCH}, {@code HOLD_EXISTS}, {@code HOLD_LIMIT_REACHED}, {@code
 *             AMOUNT_OVERFLOW}, {@code INSUFFICIENT_FUNDS};
 *         <li>CaptureHold: {@code HOLD_NOT_FOUND}, {@code HOLD_EXPIRED}, {@code HOLD_AMOUNT_EXCEEDED}, {@code
 *             AMOUNT_OVERFLOW};
 *         <li>ReleaseHold: {@code HOLD_NOT_FOUND}, {@code HOLD_EXPIRED}.
 *       </ul>
 * </ol>
 *
 * <h2>Arithmetic</h2>
 *
 * All money arithmetic is exact: if computing a new balance, held sum or available balance would overflow a {@code
 * long}, the command is rejected with {@link Reason#AMOUNT_OVERFLOW}; that check precedes {@code
 * INSUFFICIENT_FUNDS}. A wrapped number is never stored.
 *
 * <h2>Holds</h2>
 *
 * A hold is active from its {@link HoldPlaced} until its {@link HoldCaptured}, {@link HoldReleased} or {@link
 * HoldExpired} event, and counts against the available balance until then, even past its expiry time: the service
 * must call {@link #expireHold} (or {@link #expireDueHolds}) to release it. Capturing or releasing a hold past its
 * expiry time is rejected with {@code HOLD_EXPIRED}.
 */
public final class Ledger {
    /** Maximum number of active holds per account; a further {@link PlaceHold} gets {@code HOLD_LIMIT_REACHED}. */
    public static final int MAX_HOLDS_PER_ACCOUNT = 1_000;

    /** Maximum length of an account, hold or request ID, in UTF-16 characters ({@link String#length()}). */
    public static final int MAX_ID_LENGTH_CHARS = 128;

    /** Prefix of the request ID of a {@link HoldExpired} event: {@code "expiry:" + holdId}. */
    public static final String EXPIRY_REQUEST_ID_PREFIX = "expiry:";

    private Ledger() {}

    /**
     * Decides a single-account command: any command's full decision, except that for a {@link Transfer} this is only
     * the source step of a cross-partition transfer: it validates, checks the source's funds and emits one {@link
     * TransferDebited} on the source; the destination step is {@link #decideCredit}.
     *
     * @param request the request; not null
     * @param stateOrNull the state of the account {@code request.command().accountId()}, or null if it was never
     *     opened
     * @param nowMs the decision time, epoch milliseconds; becomes the events' timestamp
     * @return {@link Decision.Accepted} with exactly one event on the account, or {@link Decision.Rejected} (see the
     *     check order on the type)
     * @throws IllegalArgumentException if {@code stateOrNull} belongs to another account than the (valid) command
     */
    public static Decision decide(Request request, AccountState stateOrNull, long nowMs) {
        Objects.requireNonNull(request, "request");
        long currentVersion = stateOrNull == null ? 0 : stateOrNull.version();
        Decision.Rejected invalid = validate(request, nowMs, currentVersion);
        if (invalid != null) {
            return invalid;
        }
        Command command = request.command();
        if (stateOrNull != null && !stateOrNull.accountId().equals(command.accountId())) {
            throw new IllegalArgumentException(
                    "state of account " + stateOrNull.accountId() + " passed for a command on " + command.accountId());
        }
        if (command instanceof OpenAccount) {
            OpenAccount open = (OpenAccount) command;
            if (stateOrNull != null) {
                return rejected(Reason.ACCOUNT_EXISTS, "account " + open.accountId() + " is already open", stateOrNull);
            }
            if (request.expectedVersion().isPresent()
                    && request.expectedVersion().getAsLong() != 0) {
                return new Decision.Rejected(
                        Reason.VERSION_CONFLICT,
                        "expected version " + request.expectedVersion().getAsLong() + ", account does not exist",
                        0);
            }
            return openAccount(request.requestId(), open, nowMs);
        }
        if (stateOrNull == null) {
            return new Decision.Rejected(
                    Reason.UNKNOWN_ACCOUNT, "account " + command.accountId() + " does not exist", 0);
        }
        if (request.expectedVersion().isPresent() && request.expectedVersion().getAsLong() != stateOrNull.version()) {
            return rejected(
                    Reason.VERSION_CONFLICT,
                    "expected version " + request.expectedVersion().getAsLong() + ", current version "
                            + stateOrNull.version(),
                    stateOrNull);
        }
        return command.accept(new BusinessRules(request.requestId(), stateOrNull, nowMs));
    }

    /**
     * Decides a transfer whose source and destination are on the same partition, atomically: either both legs or
     * nothing. The source is checked exactly as by {@link #decide}; then the destination: if it does not exist, has
     * another currency or its balance would overflow, the transfer is rejected with {@link
     * Reason#DESTINATION_REJECTED} whose detail is the destination reason's {@link Reason#name()} ({@code
     * UNKNOWN_ACCOUNT}, {@code CURRENCY_MISMATCH} or {@code AMOUNT_OVERFLOW}), and nothing is debited.
     *
     * @param request a request whose command is a {@link Transfer}; not null
     * @param source the state of the transfer's source account, or null if it was never opened
     * @param destinationOrNull the state of the destination ({@code toAccountId}), or null if it was never opened
     * @param nowMs the decision time, epoch milliseconds
     * @return {@link Decision.Accepted} with {@code [TransferDebited on the source, TransferCredited on the
     *     destination]}, or {@link Decision.Rejected} whose {@code currentVersion} is the source's
     * @throws IllegalArgumentException if the command is not a transfer, or a state belongs to another account
     */
    public static Decision decideLocalTransfer(
            Request request, AccountState source, AccountState destinationOrNull, long nowMs) {
        Objects.requireNonNull(request, "request");
        if (!(request.command() instanceof Transfer)) {
            throw new IllegalArgumentException("not a transfer: " + request.command());
        }
        Transfer transfer = (Transfer) request.command();
        Decision sourceStep = decide(request, source, nowMs);
        if (!(sourceStep instanceof Decision.Accepted)) {
            return sourceStep;
        }
        if (destinationOrNull != null && !destinationOrNull.accountId().equals(transfer.toAccountId())) {
            throw new IllegalArgumentException("state of account " + destinationOrNull.accountId()
                    + " passed as the destination of a transfer to " + transfer.toAccountId());
        }
        Decision creditStep = decideCredit(
                request.requestId(),
                transfer.accountId(),
                transfer.amount(),
                transfer.currency(),
                destinationOrNull,
                nowMs);
        if (creditStep instanceof Decision.Rejected) {
            Reason destinationReason = ((Decision.Rejected) creditStep).reason();
            return new Decision.Rejected(Reason.DESTINATION_REJECTED, destinationReason.name(), source.version());
        }
        LedgerEvent debit = ((Decision.Accepted) sourceStep).events().get(0);
        LedgerEvent credit = ((Decision.Accepted) creditStep).events().get(0);
        return new Decision.Accepted(List.of(debit, credit));
    }

    /**
     * The destination step of a cross-partition transfer: credits the amount that a {@link TransferDebited} took
     * from the source. No version guard applies. The arguments come from a validated source step, so a malformed
     * one is a bug or a corrupted log.
     *
     * @param requestId the transfer's request ID; not null
     * @param fromAccountId the source account; not null
     * @param amount minor units, {@code > 0}
     * @param currency the transfer's currency; not null
     * @param destinationOrNull the destination's state, or null if it was never opened
     * @param nowMs the decision time, epoch milliseconds
     * @return {@link Decision.Accepted} with one {@link TransferCredited} on the destination, or {@link
     *     Decision.Rejected} with {@code UNKNOWN_ACCOUNT}, {@code CURRENCY_MISMATCH} or {@code AMOUNT_OVERFLOW} (then
     *     the source must be refunded with {@link #refund})
     * @throws InvariantViolation if {@code amount <= 0} or the destination is the source
     */
    public static Decision decideCredit(
            String requestId,
            String fromAccountId,
            long amount,
            String currency,
            AccountState destinationOrNull,
            long nowMs) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(fromAccountId, "fromAccountId");
        Objects.requireNonNull(currency, "currency");
        if (amount <= 0) {
            throw new InvariantViolation(
                    "credit of transfer " + requestId + " from " + fromAccountId + ": amount " + amount + " <= 0");
        }
        if (destinationOrNull == null) {
            return new Decision.Rejected(Reason.UNKNOWN_ACCOUNT, "destination account does not exist", 0);
        }
        AccountState destination = destinationOrNull;
        if (destination.accountId().equals(fromAccountId)) {
            throw new InvariantViolation(
                    "credit of transfer " + requestId + ": source and destination are both " + fromAccountId);
        }
        if (!currency.equals(destination.currency())) {
            return currencyMismatch(destination, currency);
        }
        long balanceAfter;
        try {
            balanceAfter = Math.addExact(destination.balance(), amount);
        } catch (ArithmeticException e) {
            return overflow("balance " + destination.balance() + " + amount " + amount, destination);
        }
        return accept(
                destination,
                nextEvent(
                        destination,
                        requestId,
                        nowMs,
                        new TransferCredited(fromAccountId, amount),
                        balanceAfter,
                        destination.held()));
    }

    /**
     * Refunds the source of a cross-partition transfer whose destination refused the credit. Cannot be rejected: the
     * money must go back.
     *
     * <p>Caveat: a refund overflows only if the source's balance came within {@code amount} of {@link
     * Long#MAX_VALUE} while the transfer was in flight; that is treated as an invariant violation, as specified.
     *
     * @param requestId the transfer's request ID; not null
     * @param toAccountId the destination that refused; not null
     * @param amount the refused {@link TransferDebited}'s amount, minor units, {@code > 0}
     * @param reason the destination's reason; not null
     * @param source the source's current state; not null
     * @param nowMs the decision time, epoch milliseconds
     * @return the {@link TransferRefunded} event on the source
     * @throws InvariantViolation if {@code amount <= 0} or the refund would overflow the source's balance
     */
    public static LedgerEvent refund(
            String requestId, String toAccountId, long amount, Reason reason, AccountState source, long nowMs) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(toAccountId, "toAccountId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(source, "source");
        if (amount <= 0) {
            throw new InvariantViolation(
                    "refund of transfer " + requestId + " to " + source.accountId() + ": amount " + amount + " <= 0");
        }
        long balanceAfter;
        try {
            balanceAfter = Math.addExact(source.balance(), amount);
        } catch (ArithmeticException e) {
            throw new InvariantViolation(
                    "refund of transfer " + requestId + ": balance " + source.balance() + " of account "
                            + source.accountId() + " + amount " + amount + " overflows",
                    e);
        }
        LedgerEvent event = nextEvent(
                source,
                requestId,
                nowMs,
                new TransferRefunded(toAccountId, amount, reason),
                balanceAfter,
                source.held());
        evolve(source, event);
        return event;
    }

    /**
     * Expires one hold if it is due.
     *
     * @param state the account's state; not null
     * @param holdId the hold; not null
     * @param nowMs the current time, epoch milliseconds
     * @return a {@link HoldExpired} event (request ID {@code "expiry:" + holdId}) if the hold is active and {@code
     *     expiresAtMs <= nowMs}, else empty
     */
    public static Optional<LedgerEvent> expireHold(AccountState state, String holdId, long nowMs) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(holdId, "holdId");
        Hold hold = state.holds().get(holdId);
        if (hold == null || !hold.isExpiredAt(nowMs)) {
            return Optional.empty();
        }
        LedgerEvent event = nextEvent(
                state,
                EXPIRY_REQUEST_ID_PREFIX + holdId,
                nowMs,
                new HoldExpired(holdId, hold.amount()),
                state.balance(),
                state.held() - hold.amount());
        evolve(state, event);
        return Optional.of(event);
    }

    /**
     * Expires every due hold of an account, in hold ID order, each event chained on the previous one.
     *
     * @param state the account's state; not null
     * @param nowMs the current time, epoch milliseconds
     * @return the {@link HoldExpired} events in version order (at most {@link #MAX_HOLDS_PER_ACCOUNT}); empty if no
     *     hold is due
     */
    public static List<LedgerEvent> expireDueHolds(AccountState state, long nowMs) {
        Objects.requireNonNull(state, "state");
        List<LedgerEvent> events = new ArrayList<>();
        AccountState current = state;
        for (String holdId : state.holds().keySet()) {
            Optional<LedgerEvent> expired = expireHold(current, holdId, nowMs);
            if (expired.isPresent()) {
                events.add(expired.get());
                current = evolve(current, expired.get());
            }
        }
        return List.copyOf(events);
    }

    /**
     * Applies one event. Every check runs on every call; a failure is a bug or a corrupted log and throws {@link
     * InvariantViolation} (never logged and ignored):
     *
     * <ul>
     *   <li>the first event of an account is {@link AccountOpened} with version 1, the genesis {@code prevHash},
     *       a valid account ID and currency, a non-negative overdraft limit and zero balances; no later event is;
     *   <li>{@code accountId} and {@code currency} equal the state's; {@code version} is the state's + 1; {@code
     *       prevHash} equals the state's {@code lastHash}; {@code requestId} is not blank;
     *   <li>{@code hash} equals {@link LedgerEvent#expectedHash()};
     *   <li>amounts are {@code > 0} ({@code releasedAmount >= 0}); a transfer's counterparty is another account;
     *       holds are consistent (a new hold is not active yet, expires after the event's timestamp and stays
     *       within {@link #MAX_HOLDS_PER_ACCOUNT}; a captured, released or expired hold is active, with the amounts
     *       adding up to the held amount; an expired hold's expiry is {@code <=} the event's timestamp);
     *   <li>no arithmetic overflows; {@code balanceAfter} and {@code heldAfter} equal the computed values;
     *   <li>the resulting available balance is {@code >= -overdraftLimit}.
     * </ul>
     *
     * @param stateOrNull the state before the event, or null if the account was never opened
     * @param event the event; not null
     * @return the state after the event, whose {@code lastHash} is the event's {@code hash}
     * @throws InvariantViolation if any check fails
     */
    public static AccountState evolve(AccountState stateOrNull, LedgerEvent event) {
        Objects.requireNonNull(event, "event");
        if (event.requestId().isBlank()) {
            throw violation(event, "blank requestId");
        }
        if (stateOrNull == null) {
            return evolveOpen(event);
        }
        AccountState state = stateOrNull;
        if (!event.accountId().equals(state.accountId())) {
            throw violation(event, "applied to the state of account " + state.accountId());
        }
        if (event.body() instanceof AccountOpened) {
            throw violation(event, "account is already open at version " + state.version());
        }
        long version = exact(event, "version", () -> Math.addExact(state.version(), 1));
        if (event.version() != version) {
            throw violation(event, "version gap: expected version " + version);
        }
        if (!Arrays.equals(event.prevHashUnsafe(), state.lastHashUnsafe())) {
            throw violation(
                    event,
                    "prevHash " + Hashes.toHex(event.prevHashUnsafe()) + " does not match the account's lastHash "
                            + Hashes.toHex(state.lastHashUnsafe()));
        }
        if (!event.currency().equals(state.currency())) {
            throw violation(event, "currency differs from the account's " + state.currency());
        }
        checkHash(event);
        Applier applier = new Applier(state, event);
        event.body().accept(applier);
        if (applier.balance != event.balanceAfter()) {
            throw violation(event, "balanceAfter " + event.balanceAfter() + " but computed " + applier.balance);
        }
        if (applier.held != event.heldAfter()) {
            throw violation(event, "heldAfter " + event.heldAfter() + " but computed " + applier.held);
        }
        long available = exact(event, "available", () -> Math.subtractExact(applier.balance, applier.held));
        if (available < -state.overdraftLimit()) {
            throw violation(
                    event,
                    "available " + available + " is below -overdraftLimit " + -state.overdraftLimit()
                            + " (an over-limit debit was accepted)");
        }
        return new AccountState(
                state.accountId(),
                state.currency(),
                state.overdraftLimit(),
                applier.balance,
                version,
                applier.holds,
                event.hashUnsafe());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // decide helpers

    private static Decision openAccount(String requestId, OpenAccount open, long nowMs) {
        EventBody body = new AccountOpened(open.overdraftLimit());
        byte[] prevHash = Hashes.genesis();
        byte[] hash =
                LedgerEvent.computeHash(open.accountId(), 1, requestId, nowMs, open.currency(), body, 0, 0, prevHash);
        return accept(
                null,
                new LedgerEvent(open.accountId(), 1, requestId, nowMs, open.currency(), body, 0, 0, prevHash, hash));
    }

    /** The next event on an open account: version + 1, chained on its last hash. */
    private static LedgerEvent nextEvent(
            AccountState state, String requestId, long nowMs, EventBody body, long balanceAfter, long heldAfter) {
        long version;
        try {
            version = Math.addExact(state.version(), 1);
        } catch (ArithmeticException e) {
            throw new InvariantViolation("account " + state.accountId() + ": version overflows", e);
        }
        byte[] prevHash = state.lastHashUnsafe();
        byte[] hash = LedgerEvent.computeHash(
                state.accountId(),
                version,
                requestId,
                nowMs,
                state.currency(),
                body,
                balanceAfter,
                heldAfter,
                prevHash);
        return new LedgerEvent(
                state.accountId(),
                version,
                requestId,
                nowMs,
                state.currency(),
                body,
                balanceAfter,
                heldAfter,
                prevHash,
                hash);
    }

    /** Paired assertion: apply the event before returning it, so the core never emits what it would refuse. */
    private static Decision.Accepted accept(AccountState stateOrNull, LedgerEvent event) {
        evolve(stateOrNull, event);
        return new Decision.Accepted(List.of(event));
    }

    private static Decision.Rejected rejected(Reason reason, String detail, AccountState state) {
        return new Decision.Rejected(reason, detail, state.version());
    }

    private static Decision.Rejected currencyMismatch(AccountState state, String currency) {
        return rejected(
                Reason.CURRENCY_MISMATCH,
                "account " + state.accountId() + " is in " + state.currency() + ", not " + currency,
                state);
    }

    private static Decision.Rejected overflow(String computation, AccountState state) {
        return rejected(Reason.AMOUNT_OVERFLOW, computation + " overflows a signed 64-bit integer", state);
    }

    /** The rejection of taking {@code amount} out of the account's available balance, or null if it may be taken. */
    private static Decision.Rejected checkDebit(AccountState state, long amount) {
        long availableAfter;
        try {
            availableAfter = Math.subtractExact(Math.subtractExact(state.balance(), amount), state.held());
        } catch (ArithmeticException e) {
            return overflow("balance " + state.balance() + " - held " + state.held() + " - amount " + amount, state);
        }
        if (availableAfter < -state.overdraftLimit()) {
            return insufficientFunds(state, amount);
        }
        return null;
    }

    private static Decision.Rejected insufficientFunds(AccountState state, long amount) {
        return rejected(
                Reason.INSUFFICIENT_FUNDS,
                "available " + state.available() + ", overdraft limit " + state.overdraftLimit() + ", amount " + amount,
                state);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // validation

    private static Decision.Rejected validate(Request request, long nowMs, long currentVersion) {
        Decision.Rejected invalid = Validator.id("requestId", request.requestId(), currentVersion);
        if (invalid != null) {
            return invalid;
        }
        if (request.expectedVersion().isPresent() && request.expectedVersion().getAsLong() < 0) {
            return Validator.invalid(
                    "expectedVersion",
                    "must be >= 0, was " + request.expectedVersion().getAsLong(),
                    currentVersion);
        }
        return request.command().accept(new Validator(nowMs, currentVersion));
    }

    /** Stateless field checks; returns the first rejection, or null if the command is well-formed. */
    private static final class Validator implements Command.Visitor<Decision.Rejected> {
        private final long nowMs;
        private final long currentVersion;

        Validator(long nowMs, long currentVersion) {
            this.nowMs = nowMs;
            this.currentVersion = currentVersion;
        }

        static Decision.Rejected invalid(String field, String problem, long currentVersion) {
            return new Decision.Rejected(Reason.INVALID_COMMAND, field + ": " + problem, currentVersion);
        }

        static Decision.Rejected id(String field, String value, long currentVersion) {
            if (value == null) {
                return invalid(field, "missing", currentVersion);
            }
            if (value.isBlank()) {
                return invalid(field, "blank", currentVersion);
            }
            if (value.length() > MAX_ID_LENGTH_CHARS) {
                return invalid(
                        field,
                        "longer than " + MAX_ID_LENGTH_CHARS + " characters (" + value.length() + ")",
                        currentVersion);
            }
            return null;
        }

        private Decision.Rejected id(String field, String value) {
            return id(field, value, currentVersion);
        }

        private Decision.Rejected currency(String value) {
            if (value == null) {
                return invalid("currency", "missing", currentVersion);
            }
            if (!Validation.isValidCurrency(value)) {
                return invalid("currency", "must match [A-Z]{3}, was '" + value + "'", currentVersion);
            }
            return null;
        }

        private Decision.Rejected amount(long value) {
            if (value <= 0) {
                return new Decision.Rejected(
                        Reason.INVALID_AMOUNT, "amount: must be > 0, was " + value, currentVersion);
            }
            return null;
        }

        private static Decision.Rejected first(Decision.Rejected... checks) {
            for (Decision.Rejected check : checks) {
                if (check != null) {
                    return check;
                }
            }
            return null;
        }

        @Override
        public Decision.Rejected openAccount(OpenAccount c) {
            return first(
                    id("accountId", c.accountId()),
                    currency(c.currency()),
                    c.overdraftLimit() < 0
                            ? invalid("overdraftLimit", "must be >= 0, was " + c.overdraftLimit(), currentVersion)
                            : null);
        }

        @Override
        public Decision.Rejected deposit(Deposit c) {
            return first(id("accountId", c.accountId()), amount(c.amount()), currency(c.currency()));
        }

        @Override
        public Decision.Rejected withdraw(Withdraw c) {
            return first(id("accountId", c.accountId()), amount(c.amount()), currency(c.currency()));
        }

        @Override
        public Decision.Rejected transfer(Transfer c) {
            return first(
                    id("accountId", c.accountId()),
                    id("toAccountId", c.toAccountId()),
                    amount(c.amount()),
                    currency(c.currency()));
        }

        @Override
        public Decision.Rejected placeHold(PlaceHold c) {
            return first(
                    id("accountId", c.accountId()),
                    id("holdId", c.holdId()),
                    amount(c.amount()),
                    currency(c.currency()),
                    c.expiresAtMs() <= nowMs
                            ? invalid(
                                    "expiresAtMs",
                                    "must be after now (" + nowMs + "), was " + c.expiresAtMs(),
                                    currentVersion)
                            : null);
        }

        @Override
        public Decision.Rejected captureHold(CaptureHold c) {
            return first(
                    id("accountId", c.accountId()),
                    id("holdId", c.holdId()),
                    c.amount().isPresent() ? amount(c.amount().getAsLong()) : null);
        }

        @Override
        public Decision.Rejected releaseHold(ReleaseHold c) {
            return first(id("accountId", c.accountId()), id("holdId", c.holdId()));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // business rules (the command is valid, the account exists and the version matches)

    private static final class BusinessRules implements Command.Visitor<Decision> {
        private final String requestId;
        private final AccountState state;
        private final long nowMs;

        BusinessRules(String requestId, AccountState state, long nowMs) {
            this.requestId = requestId;
            this.state = state;
            this.nowMs = nowMs;
        }

        private Decision.Accepted emit(EventBody body, long balanceAfter, long heldAfter) {
            return accept(state, nextEvent(state, requestId, nowMs, body, balanceAfter, heldAfter));
        }

        @Override
        public Decision openAccount(OpenAccount c) {
            throw new IllegalStateException("OpenAccount is decided before the business rules");
        }

        @Override
        public Decision deposit(Deposit c) {
            if (!c.currency().equals(state.currency())) {
                return currencyMismatch(state, c.currency());
            }
            long balanceAfter;
            try {
                balanceAfter = Math.addExact(state.balance(), c.amount());
            } catch (ArithmeticException e) {
                return overflow("balance " + state.balance() + " + amount " + c.amount(), state);
            }
            return emit(new Credited(c.amount()), balanceAfter, state.held());
        }

        @Override
        public Decision withdraw(Withdraw c) {
            if (!c.currency().equals(state.currency())) {
                return currencyMismatch(state, c.currency());
            }
            Decision.Rejected refused = checkDebit(state, c.amount());
            if (refused != null) {
                return refused;
            }
            return emit(new Debited(c.amount()), state.balance() - c.amount(), state.held());
        }

        @Override
        public Decision transfer(Transfer c) {
            if (c.toAccountId().equals(c.accountId())) {
                return rejected(Reason.SAME_ACCOUNT, "cannot transfer from " + c.accountId() + " to itself", state);
            }
            if (!c.currency().equals(state.currency())) {
                return currencyMismatch(state, c.currency());
            }
            Decision.Rejected refused = checkDebit(state, c.amount());
            if (refused != null) {
                return refused;
            }
            return emit(new TransferDebited(c.toAccountId(), c.amount()), state.balance() - c.amount(), state.held());
        }

        @Override
        public Decision placeHold(PlaceHold c) {
            if (!c.currency().equals(state.currency())) {
                return currencyMismatch(state, c.currency());
            }
            if (state.holds().containsKey(c.holdId())) {
                return rejected(Reason.HOLD_EXISTS, "hold " + c.holdId() + " is already active", state);
            }
            if (state.holds().size() >= MAX_HOLDS_PER_ACCOUNT) {
                return rejected(
                        Reason.HOLD_LIMIT_REACHED,
                        "account already has " + state.holds().size() + " active holds (max " + MAX_HOLDS_PER_ACCOUNT
                                + ")",
                        state);
            }
            long heldAfter;
            long availableAfter;
            try {
                heldAfter = Math.addExact(state.held(), c.amount());
                availableAfter = Math.subtractExact(state.balance(), heldAfter);
            } catch (ArithmeticException e) {
                return overflow(
                        "balance " + state.balance() + " - held " + state.held() + " - amount " + c.amount(), state);
            }
            if (availableAfter < -state.overdraftLimit()) {
                return insufficientFunds(state, c.amount());
            }
            return emit(new HoldPlaced(c.holdId(), c.amount(), c.expiresAtMs()), state.balance(), heldAfter);
        }

        /** The rejection of capturing or releasing this hold (HOLD_NOT_FOUND, HOLD_EXPIRED), or null if allowed. */
        private Decision.Rejected checkHoldUsable(String holdId) {
            Hold hold = state.holds().get(holdId);
            if (hold == null) {
                return rejected(Reason.HOLD_NOT_FOUND, "no active hold " + holdId, state);
            }
            if (hold.isExpiredAt(nowMs)) {
                return rejected(
                        Reason.HOLD_EXPIRED,
                        "hold " + holdId + " expired at " + hold.expiresAtMs() + " (now " + nowMs + ")",
                        state);
            }
            return null;
        }

        @Override
        public Decision captureHold(CaptureHold c) {
            Decision.Rejected unusable = checkHoldUsable(c.holdId());
            if (unusable != null) {
                return unusable;
            }
            Hold hold = state.holds().get(c.holdId());
            long amount = c.amount().orElse(hold.amount());
            if (amount > hold.amount()) {
                return rejected(
                        Reason.HOLD_AMOUNT_EXCEEDED,
                        "capture of " + amount + " exceeds hold " + hold.holdId() + " of " + hold.amount(),
                        state);
            }
            long balanceAfter;
            try {
                balanceAfter = Math.subtractExact(state.balance(), amount);
            } catch (ArithmeticException e) {
                return overflow("balance " + state.balance() + " - amount " + amount, state);
            }
            return emit(
                    new HoldCaptured(hold.holdId(), amount, hold.amount() - amount),
                    balanceAfter,
                    state.held() - hold.amount());
        }

        @Override
        public Decision releaseHold(ReleaseHold c) {
            Decision.Rejected unusable = checkHoldUsable(c.holdId());
            if (unusable != null) {
                return unusable;
            }
            Hold hold = state.holds().get(c.holdId());
            return emit(new HoldReleased(hold.holdId(), hold.amount()), state.balance(), state.held() - hold.amount());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // evolve helpers

    private static AccountState evolveOpen(LedgerEvent event) {
        if (!(event.body() instanceof AccountOpened)) {
            throw violation(event, "the first event of an account must be AccountOpened");
        }
        AccountOpened opened = (AccountOpened) event.body();
        if (event.version() != 1) {
            throw violation(event, "AccountOpened must have version 1");
        }
        if (!Hashes.isGenesis(event.prevHashUnsafe())) {
            throw violation(
                    event, "AccountOpened must have the genesis prevHash, was " + Hashes.toHex(event.prevHashUnsafe()));
        }
        if (!Validation.isValidId(event.accountId())) {
            throw violation(event, "invalid accountId");
        }
        if (!Validation.isValidCurrency(event.currency())) {
            throw violation(event, "invalid currency '" + event.currency() + "'");
        }
        if (opened.overdraftLimit() < 0) {
            throw violation(event, "negative overdraftLimit " + opened.overdraftLimit());
        }
        checkHash(event);
        if (event.balanceAfter() != 0 || event.heldAfter() != 0) {
            throw violation(event, "an account opens with zero balance and holds");
        }
        return new AccountState(
                event.accountId(),
                event.currency(),
                opened.overdraftLimit(),
                0,
                1,
                new TreeMap<>(),
                event.hashUnsafe());
    }

    private static void checkHash(LedgerEvent event) {
        byte[] expected = event.expectedHash();
        if (!Arrays.equals(expected, event.hashUnsafe())) {
            throw violation(
                    event,
                    "hash " + Hashes.toHex(event.hashUnsafe()) + " does not match the recomputed "
                            + Hashes.toHex(expected) + " (altered event)");
        }
    }

    private static InvariantViolation violation(LedgerEvent event, String problem) {
        return new InvariantViolation("event " + event.accountId() + "@" + event.version() + " ("
                + event.body().getClass().getSimpleName() + ", request " + event.requestId() + "): " + problem);
    }

    private interface LongComputation {
        long compute();
    }

    private static long exact(LedgerEvent event, String what, LongComputation computation) {
        try {
            return computation.compute();
        } catch (ArithmeticException e) {
            InvariantViolation violation = violation(event, what + " overflows");
            violation.initCause(e);
            throw violation;
        }
    }

    /** Computes the balance and holds after one (non-opening) event, checking the body. */
    private static final class Applier implements EventBody.Visitor<Void> {
        private final AccountState state;
        private final LedgerEvent event;
        long balance;
        long held;
        SortedMap<String, Hold> holds;

        Applier(AccountState state, LedgerEvent event) {
            this.state = state;
            this.event = event;
            this.balance = state.balance();
            this.held = state.held();
            this.holds = state.holds();
        }

        private void positive(String field, long value) {
            if (value <= 0) {
                throw violation(event, field + " " + value + " <= 0");
            }
        }

        private void counterparty(String field, String accountId) {
            if (!Validation.isValidId(accountId) || accountId.equals(state.accountId())) {
                throw violation(event, "invalid " + field + " '" + accountId + "'");
            }
        }

        private void credit(long amount) {
            positive("amount", amount);
            balance = exact(event, "balance", () -> Math.addExact(balance, amount));
        }

        private void debit(long amount) {
            positive("amount", amount);
            balance = exact(event, "balance", () -> Math.subtractExact(balance, amount));
        }

        private Hold removeHold(String holdId) {
            Hold hold = holds.get(holdId);
            if (hold == null) {
                throw violation(event, "hold " + holdId + " is not active");
            }
            TreeMap<String, Hold> after = new TreeMap<>(holds);
            after.remove(holdId);
            holds = after;
            held -= hold.amount(); // cannot overflow: 0 < hold.amount() <= held
            return hold;
        }

        @Override
        public Void accountOpened(AccountOpened body) {
            throw new IllegalStateException("AccountOpened is applied by evolveOpen");
        }

        @Override
        public Void credited(Credited body) {
            credit(body.amount());
            return null;
        }

        @Override
        public Void debited(Debited body) {
            debit(body.amount());
            return null;
        }

        @Override
        public Void transferDebited(TransferDebited body) {
            counterparty("toAccountId", body.toAccountId());
            debit(body.amount());
            return null;
        }

        @Override
        public Void transferCredited(TransferCredited body) {
            counterparty("fromAccountId", body.fromAccountId());
            credit(body.amount());
            return null;
        }

        @Override
        public Void transferRefunded(TransferRefunded body) {
            counterparty("toAccountId", body.toAccountId());
            credit(body.amount());
            return null;
        }

        @Override
        public Void holdPlaced(HoldPlaced body) {
            if (!Validation.isValidId(body.holdId())) {
                throw violation(event, "invalid holdId '" + body.holdId() + "'");
            }
            if (holds.containsKey(body.holdId())) {
                throw violation(event, "hold " + body.holdId() + " is already active");
            }
            if (holds.size() >= MAX_HOLDS_PER_ACCOUNT) {
                throw violation(event, "more than " + MAX_HOLDS_PER_ACCOUNT + " holds");
            }
            positive("amount", body.amount());
            if (body.expiresAtMs() <= event.timestampMs()) {
                throw violation(event, "hold expires at " + body.expiresAtMs() + ", not after the event's timestamp");
            }
            held = exact(event, "held", () -> Math.addExact(held, body.amount()));
            TreeMap<String, Hold> after = new TreeMap<>(holds);
            after.put(body.holdId(), new Hold(body.holdId(), body.amount(), body.expiresAtMs()));
            holds = after;
            return null;
        }

        @Override
        public Void holdCaptured(HoldCaptured body) {
            Hold hold = removeHold(body.holdId());
            positive("amount", body.amount());
            if (body.releasedAmount() < 0) {
                throw violation(event, "releasedAmount " + body.releasedAmount() + " < 0");
            }
            long total =
                    exact(event, "amount + releasedAmount", () -> Math.addExact(body.amount(), body.releasedAmount()));
            if (total != hold.amount()) {
                throw violation(
                        event,
                        "captured " + body.amount() + " + released " + body.releasedAmount() + " != held "
                                + hold.amount());
            }
            balance = exact(event, "balance", () -> Math.subtractExact(balance, body.amount()));
            return null;
        }

        @Override
        public Void holdReleased(HoldReleased body) {
            Hold hold = removeHold(body.holdId());
            if (body.amount() != hold.amount()) {
                throw violation(event, "released " + body.amount() + " != held " + hold.amount());
            }
            return null;
        }

        @Override
        public Void holdExpired(HoldExpired body) {
            Hold hold = removeHold(body.holdId());
            if (body.amount() != hold.amount()) {
                throw violation(event, "expired " + body.amount() + " != held " + hold.amount());
            }
            if (!hold.isExpiredAt(event.timestampMs())) {
                throw violation(event, "hold expires at " + hold.expiresAtMs() + ", after the event's timestamp");
            }
            return null;
        }
    }
}
