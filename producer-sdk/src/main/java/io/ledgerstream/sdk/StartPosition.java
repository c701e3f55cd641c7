package io.ledgerstream.sdk;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a {@link ResultStream} starts reading each partition the first time this stream instance is assigned it.
 * Later assignments (after a rebalance) always continue from the group's committed offsets. Immutable and
 * thread-safe.
 */
public final class StartPosition {

    /** The kinds of start position. */
    public enum Kind {
        /** The beginning of each partition, ignoring committed offsets. */
        FROM_START,
        /** The group's committed offsets; the beginning where the group has none. */
        FROM_COMMITTED,
        /** The first record at or after a timestamp; the end where there is none. */
        FROM_TIMESTAMP,
        /** The end of each partition: only records written from now on. */
        FROM_END
    }

    private static final StartPosition START = new StartPosition(Kind.FROM_START, null);
    private static final StartPosition COMMITTED = new StartPosition(Kind.FROM_COMMITTED, null);
    private static final StartPosition END = new StartPosition(Kind.FROM_END, null);

    private final Kind kind;
    private final Instant timestamp;

    private StartPosition(Kind kind, Instant timestamp) {
        this.kind = kind;
        this.timestamp = timestamp;
    }

    /**
     * Starts at the beginning of every partition (a full replay), whatever the group committed.
     *
     * @return the position, never null
     */
    public static StartPosition fromStart() {
        return START;
    }

    /**
     * Resumes from the group's committed offsets: the usual choice for a service that must see every record once
     * (at least once, across crashes). Partitions without a committed offset start at the beginning.
     *
     * @return the position, never null
     */
    public static StartPosition fromCommitted() {
        return COMMITTED;
    }

    /**
     * Starts at the first record whose timestamp is at or after {@code timestamp} (the end if there is none).
     *
     * @param timestamp the earliest record timestamp wanted; not null
     * @return the position, never null
     */
    public static StartPosition fromTimestamp(Instant timestamp) {
        return new StartPosition(Kind.FROM_TIMESTAMP, Objects.requireNonNull(timestamp, "timestamp"));
    }

    /**
     * Starts at the end of every partition: only records committed from now on.
     *
     * @return the position, never null
     */
    public static StartPosition fromEnd() {
        return END;
    }

    /**
     * Returns the kind of position.
     *
     * @return the kind, never null
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the timestamp of a {@link Kind#FROM_TIMESTAMP} position.
     *
     * @return the timestamp, or empty for other kinds
     */
    public Optional<Instant> timestamp() {
        return Optional.ofNullable(timestamp);
    }

    /** Returns e.g. {@code FROM_TIMESTAMP(2026-01-01T00:00:00Z)}. */
    @Override
    public String toString() {
        return timestamp == null ? kind.name() : kind + "(" + timestamp + ")";
    }
}
