package io.ledgerstream.sdk;

import java.util.Objects;

/** The kinds of {@link Command}. Immutable and thread-safe. */
public enum CommandType {
    /** Open a new account in a currency, with an optional overdraft limit. */
    OPEN_ACCOUNT("OpenAccount"),
    /** Credit money to an account. */
    DEPOSIT("Deposit"),
    /** Debit money from an account if its available balance allows. */
    WITHDRAW("Withdraw"),
    /** Move money from one account to another, exactly once, even across partitions. */
    TRANSFER("Transfer"),
    /** Reserve an amount on an account until it is captured, released or expires. */
    PLACE_HOLD("PlaceHold"),
    /** Debit all or part of a hold; any remainder is released. */
    CAPTURE_HOLD("CaptureHold"),
    /** Cancel a hold, freeing its amount. */
    RELEASE_HOLD("ReleaseHold");

    private final String wireName;

    CommandType(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the name the engine uses for this type in {@code Outcome.commandType}, e.g. {@code "Deposit"}.
     *
     * @return the Avro record name of the command, never null
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the type with the given wire name.
     *
     * @param wireName an Avro command record name such as {@code "Transfer"}; not null
     * @return the matching type, never null
     * @throws IllegalArgumentException if no type has this wire name
     */
    public static CommandType fromWireName(String wireName) {
        Objects.requireNonNull(wireName, "wireName");
        for (CommandType type : values()) {
            if (type.wireName.equals(wireName)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown command type '" + wireName + "'");
    }
}
