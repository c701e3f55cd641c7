package io.ledgerstream.faults;

import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.CommandType;
import java.util.Objects;

/**
 * One submitted command as the history checker sees it: its request ID and payload, decoupled from the SDK type so
 * that synthetic histories, journals written by other processes and live workloads use the same record.
 *
 * <p>Only the command types the fault workloads send are modelled; holds are not (the checker would need their
 * expiry clock to model balances).
 *
 * @param requestId the client-generated request ID; not blank
 * @param kind the command type; not null
 * @param accountId the account the command is addressed to (the source of a transfer); not blank
 * @param toAccountId the destination of a transfer; null for every other kind
 * @param amount minor units, {@code > 0}; the overdraft limit ({@code >= 0}) for {@link Kind#OPEN_ACCOUNT}
 * @param currency three upper-case letters; not null
 */
public record Op(String requestId, Kind kind, String accountId, String toAccountId, long amount, String currency) {

    /** Command types the checker models, with the engine's wire names (as in {@code Outcome.commandType}). */
    public enum Kind {
        /** Opens an account; {@code amount} is its overdraft limit. */
        OPEN_ACCOUNT("OpenAccount"),
        /** Credits {@code amount}. */
        DEPOSIT("Deposit"),
        /** Debits {@code amount}. */
        WITHDRAW("Withdraw"),
        /** Moves {@code amount} from {@code accountId} to {@code toAccountId}. */
        TRANSFER("Transfer");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /**
         * Returns the engine's name of this command type.
         *
         * @return e.g. {@code Deposit}; never null
         */
        public String wireName() {
            return wireName;
        }
    }

    /**
     * Checks the fields.
     *
     * @param requestId see the record component
     * @param kind see the record component
     * @param accountId see the record component
     * @param toAccountId see the record component
     * @param amount see the record component
     * @param currency see the record component
     */
    public Op {
        requireText(requestId, "requestId");
        Objects.requireNonNull(kind, "kind");
        requireText(accountId, "accountId");
        Objects.requireNonNull(currency, "currency");
        if ((kind == Kind.TRANSFER) != (toAccountId != null)) {
            throw new IllegalArgumentException("toAccountId is required for a transfer and only then: " + kind);
        }
        if (kind == Kind.OPEN_ACCOUNT ? amount < 0 : amount <= 0) {
            throw new IllegalArgumentException("invalid amount " + amount + " for " + kind);
        }
    }

    /**
     * Describes an SDK command.
     *
     * @param command an open-account, deposit, withdraw or transfer command; not null
     * @return the op, never null
     * @throws IllegalArgumentException for a hold command, which the checker does not model
     */
    public static Op of(Command command) {
        Objects.requireNonNull(command, "command");
        CommandType type = command.type();
        String currency = command.currency().orElseThrow();
        return switch (type) {
            case OPEN_ACCOUNT -> new Op(
                    command.requestId(),
                    Kind.OPEN_ACCOUNT,
                    command.accountId(),
                    null,
                    command.overdraftLimit().orElse(0),
                    currency);
            case DEPOSIT -> new Op(
                    command.requestId(),
                    Kind.DEPOSIT,
                    command.accountId(),
                    null,
                    command.amount().orElseThrow(),
                    currency);
            case WITHDRAW -> new Op(
                    command.requestId(),
                    Kind.WITHDRAW,
                    command.accountId(),
                    null,
                    command.amount().orElseThrow(),
                    currency);
            case TRANSFER -> new Op(
                    command.requestId(),
                    Kind.TRANSFER,
                    command.accountId(),
                    command.toAccountId().orElseThrow(),
                    command.amount().orElseThrow(),
                    currency);
            default -> throw new IllegalArgumentException("the history checker does not model " + type);
        };
    }

    /**
     * Rebuilds the SDK command with the same request ID, as a client restarted from its journal does.
     *
     * @return a command that the engine treats as a retry of this op; never null
     */
    public Command toCommand() {
        Command.Factory factory = Command.withRequestId(requestId);
        return switch (kind) {
            case OPEN_ACCOUNT -> factory.openAccount(accountId, currency, amount);
            case DEPOSIT -> factory.deposit(accountId, amount, currency);
            case WITHDRAW -> factory.withdraw(accountId, amount, currency);
            case TRANSFER -> factory.transfer(accountId, toAccountId, amount, currency);
        };
    }

    /**
     * Encodes this op as one tab-separated journal line (no line break): {@code requestId kind account to amount
     * currency}, with {@code -} for a missing destination.
     *
     * @return the line, never null
     */
    public String toLine() {
        return String.join(
                "\t",
                requestId,
                kind.name(),
                accountId,
                toAccountId == null ? "-" : toAccountId,
                Long.toString(amount),
                currency);
    }

    /**
     * Decodes a line written by {@link #toLine()}.
     *
     * @param line the line; not null
     * @return the op, never null
     * @throws IllegalArgumentException if the line is malformed
     */
    public static Op fromLine(String line) {
        String[] f = Objects.requireNonNull(line, "line").split("\t", -1);
        if (f.length != 6) {
            throw new IllegalArgumentException("an op line has 6 tab-separated fields, got " + f.length + ": " + line);
        }
        return new Op(f[0], Kind.valueOf(f[1]), f[2], f[3].equals("-") ? null : f[3], Long.parseLong(f[4]), f[5]);
    }

    @Override
    public String toString() {
        return kind.wireName() + "[" + requestId + " " + accountId + (toAccountId == null ? "" : " -> " + toAccountId)
                + " " + amount + " " + currency + "]";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank() || value.contains("\t") || value.contains("\n")) {
            throw new IllegalArgumentException(name + " must be non-blank without tabs or line breaks: " + value);
        }
    }
}
