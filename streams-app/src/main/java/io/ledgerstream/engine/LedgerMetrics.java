package io.ledgerstream.engine;

/**
 * What the engine counts while it processes records. {@link LedgerProcessor} calls it; {@link MicrometerLedgerMetrics}
 * records it for the {@code /metrics} endpoint; tests may pass {@link #NONE} or a recording fake. Passed in, never
 * looked up: there is no global registry.
 *
 * <p>Counts are taken while a record is processed, inside the Kafka transaction: when a transaction aborts (a crash,
 * a rebalance) and the record is processed again, it is counted again. Metrics are therefore "at least once" even
 * though outputs are exactly once; the outcomes topic stays the source of truth.
 *
 * <p>Implementations are called from every stream thread and must be thread-safe.
 */
interface LedgerMetrics {

    /** A command was read from the commands topic (before decoding; re-routed copies are counted again). */
    void commandReceived();

    /** A command on the wrong partition was forwarded to the partition that owns its account. */
    void commandRerouted();

    /**
     * An outcome was written.
     *
     * @param status {@code ACCEPTED} or {@code REJECTED}
     * @param reason the reason code, or null for an accepted outcome
     * @param replay whether it is the stored outcome emitted again for a retried request ID
     */
    void outcome(String status, String reason, boolean replay);

    /**
     * The time from a command's creation by its client to its first outcome.
     *
     * @param millis {@code processedAtMs - submittedAtMs}, at least 0
     */
    void endToEndLatency(long millis);

    /**
     * A request ID seen before, with the same payload (a retry).
     *
     * @param pending whether its transfer is still in flight (nothing is emitted then) rather than complete (the
     *     stored outcome is replayed)
     */
    void dedupHit(boolean pending);

    /** A request ID seen before with a different payload ({@code REQUEST_ID_REUSED}). */
    void requestIdReused();

    /**
     * A record went to the dead-letter topic.
     *
     * @param reason its dead-letter reason code
     */
    void deadLetter(String reason);

    /** A cross-partition transfer debited its source: the money is in flight. */
    void transferStarted();

    /**
     * A cross-partition transfer completed.
     *
     * @param refunded whether the destination refused it and the source was refunded
     * @param sagaMillis time from the debit to the final outcome, at least 0
     */
    void transferCompleted(boolean refunded, long sagaMillis);

    /** Records nothing. */
    LedgerMetrics NONE = new LedgerMetrics() {
        @Override
        public void commandReceived() {}

        @Override
        public void commandRerouted() {}

        @Override
        public void outcome(String status, String reason, boolean replay) {}

        @Override
        public void endToEndLatency(long millis) {}

        @Override
        public void dedupHit(boolean pending) {}

        @Override
        public void requestIdReused() {}

        @Override
        public void deadLetter(String reason) {}

        @Override
        public void transferStarted() {}

        @Override
        public void transferCompleted(boolean refunded, long sagaMillis) {}
    };
}
