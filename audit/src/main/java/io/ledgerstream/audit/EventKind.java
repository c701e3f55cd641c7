package io.ledgerstream.audit;

import io.ledgerstream.core.AccountOpened;
import io.ledgerstream.core.Credited;
import io.ledgerstream.core.Debited;
import io.ledgerstream.core.EventBody;
import io.ledgerstream.core.HoldCaptured;
import io.ledgerstream.core.HoldExpired;
import io.ledgerstream.core.HoldPlaced;
import io.ledgerstream.core.HoldReleased;
import io.ledgerstream.core.TransferCredited;
import io.ledgerstream.core.TransferDebited;
import io.ledgerstream.core.TransferRefunded;

/** The event body types, with the money each moves; the audit's own flat view of {@link EventBody}. */
enum EventKind {
    OPENED("AccountOpened"),
    CREDITED("Credited"),
    DEBITED("Debited"),
    TRANSFER_DEBITED("TransferDebited"),
    TRANSFER_CREDITED("TransferCredited"),
    TRANSFER_REFUNDED("TransferRefunded"),
    HOLD_PLACED("HoldPlaced"),
    HOLD_CAPTURED("HoldCaptured"),
    HOLD_RELEASED("HoldReleased"),
    HOLD_EXPIRED("HoldExpired");

    private final String typeName;

    EventKind(String typeName) {
        this.typeName = typeName;
    }

    /** The body's type name, as in the schemas. */
    String typeName() {
        return typeName;
    }

    boolean isTransferLeg() {
        return this == TRANSFER_DEBITED || this == TRANSFER_CREDITED || this == TRANSFER_REFUNDED;
    }

    static EventKind of(EventBody body) {
        if (body instanceof Credited) {
            return CREDITED;
        } else if (body instanceof Debited) {
            return DEBITED;
        } else if (body instanceof TransferDebited) {
            return TRANSFER_DEBITED;
        } else if (body instanceof TransferCredited) {
            return TRANSFER_CREDITED;
        } else if (body instanceof HoldPlaced) {
            return HOLD_PLACED;
        } else if (body instanceof HoldCaptured) {
            return HOLD_CAPTURED;
        } else if (body instanceof HoldReleased) {
            return HOLD_RELEASED;
        } else if (body instanceof HoldExpired) {
            return HOLD_EXPIRED;
        } else if (body instanceof TransferRefunded) {
            return TRANSFER_REFUNDED;
        } else if (body instanceof AccountOpened) {
            return OPENED;
        }
        throw new IllegalArgumentException("unknown event body " + body);
    }

    /** The body's amount in minor units (0 for AccountOpened; captured plus released for HoldCaptured). */
    static long amount(EventBody body) {
        if (body instanceof Credited b) {
            return b.amount();
        } else if (body instanceof Debited b) {
            return b.amount();
        } else if (body instanceof TransferDebited b) {
            return b.amount();
        } else if (body instanceof TransferCredited b) {
            return b.amount();
        } else if (body instanceof TransferRefunded b) {
            return b.amount();
        } else if (body instanceof HoldPlaced b) {
            return b.amount();
        } else if (body instanceof HoldCaptured b) {
            return b.amount();
        } else if (body instanceof HoldReleased b) {
            return b.amount();
        } else if (body instanceof HoldExpired b) {
            return b.amount();
        }
        return 0;
    }

    /** The change of the booked balance this body causes, minor units. */
    static long balanceFlow(EventBody body) {
        if (body instanceof Credited b) {
            return b.amount();
        } else if (body instanceof Debited b) {
            return -b.amount();
        } else if (body instanceof TransferDebited b) {
            return -b.amount();
        } else if (body instanceof TransferCredited b) {
            return b.amount();
        } else if (body instanceof TransferRefunded b) {
            return b.amount();
        } else if (body instanceof HoldCaptured b) {
            return -b.amount();
        }
        return 0;
    }

    /** The change of the held sum this body causes, minor units. */
    static long heldFlow(EventBody body) {
        if (body instanceof HoldPlaced b) {
            return b.amount();
        } else if (body instanceof HoldCaptured b) {
            return -(b.amount() + b.releasedAmount());
        } else if (body instanceof HoldReleased b) {
            return -b.amount();
        } else if (body instanceof HoldExpired b) {
            return -b.amount();
        }
        return 0;
    }

    /** The hold a body ends (captured, released or expired), or null. */
    static String endedHold(EventBody body) {
        if (body instanceof HoldCaptured b) {
            return b.holdId();
        } else if (body instanceof HoldReleased b) {
            return b.holdId();
        } else if (body instanceof HoldExpired b) {
            return b.holdId();
        }
        return null;
    }

    /** The other account of a transfer leg, or null. */
    static String counterparty(EventBody body) {
        if (body instanceof TransferDebited b) {
            return b.toAccountId();
        } else if (body instanceof TransferCredited b) {
            return b.fromAccountId();
        } else if (body instanceof TransferRefunded b) {
            return b.toAccountId();
        }
        return null;
    }
}
