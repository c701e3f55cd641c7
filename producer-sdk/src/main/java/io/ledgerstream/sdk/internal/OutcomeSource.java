package io.ledgerstream.sdk.internal;

import java.time.Duration;
import java.util.List;

/**
 * Where a client's outcomes come from: in production {@link KafkaOutcomeSource}, reading the client's own outcome
 * partition; in unit tests a fake. Used by one thread at a time, except {@link #wakeup()}.
 */
public interface OutcomeSource {

    /**
     * Returns the outcomes that arrived, waiting up to {@code timeout} for some.
     *
     * @param timeout how long to wait at most; not null
     * @return the decoded outcomes in partition order, possibly empty, never null
     * @throws org.apache.kafka.common.errors.WakeupException if {@link #wakeup()} was called
     */
    List<io.ledgerstream.schemas.Outcome> poll(Duration timeout);

    /** Makes a blocked or the next {@link #poll} return early by throwing a {@code WakeupException}. Thread-safe. */
    void wakeup();

    /**
     * Releases the source's resources.
     *
     * @param timeout how long to wait at most; not null
     */
    void close(Duration timeout);
}
