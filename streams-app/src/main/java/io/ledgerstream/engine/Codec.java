package io.ledgerstream.engine;

import io.ledgerstream.core.AccountState;
import io.ledgerstream.core.Command;
import io.ledgerstream.core.EventBody;
import io.ledgerstream.core.Hold;
import io.ledgerstream.core.LedgerEvent;
import io.ledgerstream.core.Reason;
import io.ledgerstream.core.Request;
import io.ledgerstream.schemas.AccountRecord;
import io.ledgerstream.schemas.AccountSnapshot;
import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.HoldRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Translates between the wire contracts (Avro, {@code io.ledgerstream.schemas}) and the pure core
 * ({@code io.ledgerstream.core}). The only class that knows both; stateless.
 */
public final class Codec {

    private Codec() {}

    /** Decodes an envelope into a core request. Throws {@link InvalidCommandException} for a structurally bad one. */
    public static Request toRequest(CommandEnvelope envelope) {
        Object body = envelope.getCommand();
        String account = envelope.getAccountId();
        Command command;
        if (body instanceof io.ledgerstream.schemas.OpenAccount c) {
            command = new io.ledgerstream.core.OpenAccount(account, c.getCurrency(), c.getOverdraftLimit());
        } else if (body instanceof io.ledgerstream.schemas.Deposit c) {
            command = new io.ledgerstream.core.Deposit(account, c.getAmount(), c.getCurrency());
        } else if (body instanceof io.ledgerstream.schemas.Withdraw c) {
            command = new io.ledgerstream.core.Withdraw(account, c.getAmount(), c.getCurrency());
        } else if (body instanceof io.ledgerstream.schemas.Transfer c) {
            command = new io.ledgerstream.core.Transfer(account, c.getToAccountId(), c.getAmount(), c.getCurrency());
        } else if (body instanceof io.ledgerstream.schemas.PlaceHold c) {
            command = new io.ledgerstream.core.PlaceHold(
                    account, c.getHoldId(), c.getAmount(), c.getCurrency(), c.getExpiresAtMs());
        } else if (body instanceof io.ledgerstream.schemas.CaptureHold c) {
            OptionalLong amount = c.getAmount() == null ? OptionalLong.empty() : OptionalLong.of(c.getAmount());
            command = new io.ledgerstream.core.CaptureHold(account, c.getHoldId(), amount);
        } else if (body instanceof io.ledgerstream.schemas.ReleaseHold c) {
            command = new io.ledgerstream.core.ReleaseHold(account, c.getHoldId());
        } else {
            throw new InvalidCommandException("unknown command type: " + (body == null ? "null" : body.getClass()));
        }
        OptionalLong expected = envelope.getExpectedVersion() == null
                ? OptionalLong.empty()
                : OptionalLong.of(envelope.getExpectedVersion());
        return new Request(envelope.getRequestId(), expected, command);
    }

    /** The command's type name as written in outcomes: the Avro record's simple name. */
    public static String commandType(CommandEnvelope envelope) {
        Object body = envelope.getCommand();
        return body == null ? "Unknown" : body.getClass().getSimpleName();
    }

    /** Core event to its Avro form. */
    public static io.ledgerstream.schemas.LedgerEvent toAvro(LedgerEvent e) {
        return io.ledgerstream.schemas.LedgerEvent.newBuilder()
                .setAccountId(e.accountId())
                .setVersion(e.version())
                .setRequestId(e.requestId())
                .setTimestampMs(e.timestampMs())
                .setCurrency(e.currency())
                .setBalanceAfter(e.balanceAfter())
                .setHeldAfter(e.heldAfter())
                .setPrevHash(ByteBuffer.wrap(e.prevHash()))
                .setHash(ByteBuffer.wrap(e.hash()))
                .setBody(toAvro(e.body()))
                .build();
    }

    private static Object toAvro(EventBody body) {
        if (body instanceof io.ledgerstream.core.AccountOpened b) {
            return new io.ledgerstream.schemas.AccountOpened(b.overdraftLimit());
        } else if (body instanceof io.ledgerstream.core.Credited b) {
            return new io.ledgerstream.schemas.Credited(b.amount());
        } else if (body instanceof io.ledgerstream.core.Debited b) {
            return new io.ledgerstream.schemas.Debited(b.amount());
        } else if (body instanceof io.ledgerstream.core.TransferDebited b) {
            return new io.ledgerstream.schemas.TransferDebited(b.toAccountId(), b.amount());
        } else if (body instanceof io.ledgerstream.core.TransferCredited b) {
            return new io.ledgerstream.schemas.TransferCredited(b.fromAccountId(), b.amount());
        } else if (body instanceof io.ledgerstream.core.TransferRefunded b) {
            return new io.ledgerstream.schemas.TransferRefunded(b.toAccountId(), b.amount(), toAvro(b.reason()));
        } else if (body instanceof io.ledgerstream.core.HoldPlaced b) {
            return new io.ledgerstream.schemas.HoldPlaced(b.holdId(), b.amount(), b.expiresAtMs());
        } else if (body instanceof io.ledgerstream.core.HoldCaptured b) {
            return new io.ledgerstream.schemas.HoldCaptured(b.holdId(), b.amount(), b.releasedAmount());
        } else if (body instanceof io.ledgerstream.core.HoldReleased b) {
            return new io.ledgerstream.schemas.HoldReleased(b.holdId(), b.amount());
        } else if (body instanceof io.ledgerstream.core.HoldExpired b) {
            return new io.ledgerstream.schemas.HoldExpired(b.holdId(), b.amount());
        }
        throw new IllegalArgumentException("unmapped event body " + body);
    }

    /** Avro event to the core form (used by the audit replayer and tests). */
    public static LedgerEvent toCore(io.ledgerstream.schemas.LedgerEvent e) {
        return new LedgerEvent(
                e.getAccountId(),
                e.getVersion(),
                e.getRequestId(),
                e.getTimestampMs(),
                e.getCurrency(),
                toCoreBody(e.getBody()),
                e.getBalanceAfter(),
                e.getHeldAfter(),
                bytes(e.getPrevHash()),
                bytes(e.getHash()));
    }

    private static EventBody toCoreBody(Object body) {
        if (body instanceof io.ledgerstream.schemas.AccountOpened b) {
            return new io.ledgerstream.core.AccountOpened(b.getOverdraftLimit());
        } else if (body instanceof io.ledgerstream.schemas.Credited b) {
            return new io.ledgerstream.core.Credited(b.getAmount());
        } else if (body instanceof io.ledgerstream.schemas.Debited b) {
            return new io.ledgerstream.core.Debited(b.getAmount());
        } else if (body instanceof io.ledgerstream.schemas.TransferDebited b) {
            return new io.ledgerstream.core.TransferDebited(b.getToAccountId(), b.getAmount());
        } else if (body instanceof io.ledgerstream.schemas.TransferCredited b) {
            return new io.ledgerstream.core.TransferCredited(b.getFromAccountId(), b.getAmount());
        } else if (body instanceof io.ledgerstream.schemas.TransferRefunded b) {
            return new io.ledgerstream.core.TransferRefunded(b.getToAccountId(), b.getAmount(), toCore(b.getReason()));
        } else if (body instanceof io.ledgerstream.schemas.HoldPlaced b) {
            return new io.ledgerstream.core.HoldPlaced(b.getHoldId(), b.getAmount(), b.getExpiresAtMs());
        } else if (body instanceof io.ledgerstream.schemas.HoldCaptured b) {
            return new io.ledgerstream.core.HoldCaptured(b.getHoldId(), b.getAmount(), b.getReleasedAmount());
        } else if (body instanceof io.ledgerstream.schemas.HoldReleased b) {
            return new io.ledgerstream.core.HoldReleased(b.getHoldId(), b.getAmount());
        } else if (body instanceof io.ledgerstream.schemas.HoldExpired b) {
            return new io.ledgerstream.core.HoldExpired(b.getHoldId(), b.getAmount());
        }
        throw new IllegalArgumentException("unmapped event body " + body);
    }

    /** Core reason to Avro reason (same symbol names; a mismatch is a build-time bug caught by tests). */
    public static io.ledgerstream.schemas.Reason toAvro(Reason reason) {
        return io.ledgerstream.schemas.Reason.valueOf(reason.name());
    }

    /** Avro reason to core reason. */
    public static Reason toCore(io.ledgerstream.schemas.Reason reason) {
        return Reason.valueOf(reason.name());
    }

    /** Account state to its store record. */
    public static AccountRecord toRecord(AccountState s) {
        List<HoldRecord> holds = new ArrayList<>(s.holds().size());
        for (Hold h : s.holds().values()) {
            holds.add(new HoldRecord(h.holdId(), h.amount(), h.expiresAtMs()));
        }
        return AccountRecord.newBuilder()
                .setAccountId(s.accountId())
                .setCurrency(s.currency())
                .setOverdraftLimit(s.overdraftLimit())
                .setBalance(s.balance())
                .setVersion(s.version())
                .setHolds(holds)
                .setLastHash(ByteBuffer.wrap(s.lastHash()))
                .build();
    }

    /** Store record to account state. */
    public static AccountState toState(AccountRecord r) {
        TreeMap<String, Hold> holds = new TreeMap<>();
        for (HoldRecord h : r.getHolds()) {
            holds.put(h.getHoldId(), new Hold(h.getHoldId(), h.getAmount(), h.getExpiresAtMs()));
        }
        return new AccountState(
                r.getAccountId(),
                r.getCurrency(),
                r.getOverdraftLimit(),
                r.getBalance(),
                r.getVersion(),
                holds,
                bytes(r.getLastHash()));
    }

    /** The snapshot of an account as reported in outcomes; an absent account has version 0. */
    public static AccountSnapshot snapshot(String accountId, AccountState stateOrNull) {
        if (stateOrNull == null) {
            return new AccountSnapshot(accountId, 0L, 0L, 0L, null);
        }
        return new AccountSnapshot(
                accountId,
                stateOrNull.version(),
                stateOrNull.balance(),
                stateOrNull.available(),
                stateOrNull.currency());
    }

    /** Copies the remaining bytes of a buffer without disturbing its position. */
    public static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer dup = buffer.duplicate();
        byte[] out = new byte[dup.remaining()];
        dup.get(out);
        return out;
    }

    /** A command that decodes but cannot be mapped to a core command. */
    public static final class InvalidCommandException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidCommandException(String message) {
            super(message);
        }
    }
}
