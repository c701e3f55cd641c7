package io.ledgerstream.core;

import java.util.List;
import java.util.Objects;

/**
 * What the core decided about a command: {@link Accepted} with the events to append, or {@link Rejected} with a
 * reason code. Immutable values.
 */
public sealed interface Decision {

    /**
     * Whether this is an {@link Accepted}.
     *
     * @return true if accepted
     */
    default boolean isAccepted() {
        return this instanceof Accepted;
    }

    /**
     * The command was accepted: append these events, in order, atomically (one transaction).
     *
     * @param events the events, non-empty; not null (copied into an unmodifiable list). For a same-partition
     *     transfer: the source's {@link TransferDebited} then the destination's {@link TransferCredited}; otherwise
     *     events of one account, in version order
     */
    record Accepted(List<LedgerEvent> events) implements Decision {
        /**
         * Copies the events and checks that there is at least one.
         *
         * @param events see the record component
         */
        public Accepted {
            events = List.copyOf(events);
            if (events.isEmpty()) {
                throw new IllegalArgumentException("an accepted decision has at least one event");
            }
        }
    }

    /**
     * The command was rejected; nothing changed.
     *
     * @param reason why; not null
     * @param detail human-readable detail (for {@link Reason#INVALID_COMMAND}, starts with the field name; for
     *     {@link Reason#DESTINATION_REJECTED}, exactly the destination reason's {@link Reason#name()}); nullable
     * @param currentVersion the version of the account the command was keyed by; 0 when it does not exist
     */
    record Rejected(Reason reason, String detail, long currentVersion) implements Decision {
        /**
         * Checks that {@code reason} is not null.
         *
         * @param reason see the record component
         * @param detail see the record component
         * @param currentVersion see the record component
         */
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
