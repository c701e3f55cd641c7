package io.ledgerstream.audit;

/**
 * Receives the audit's progress, from the thread that reads Kafka, about every {@value #INTERVAL_MS} ms. Must be
 * quick and must not throw.
 */
public interface ProgressListener {

    /** Interval between two progress reports, milliseconds. */
    long INTERVAL_MS = 250;

    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void onProgress(long recordsRead, long recordsTotal, long elapsedMs) {}

        @Override
        public void onDone() {}
    };

    /**
     * Progress so far.
     *
     * @param recordsRead records read so far (events and outcomes)
     * @param recordsTotal records in the range, as measured at the start ({@code >= recordsRead} except for
     *     transaction markers, which count as offsets but are never read)
     * @param elapsedMs milliseconds since reading started
     */
    void onProgress(long recordsRead, long recordsTotal, long elapsedMs);

    /** Reading is over (finished, failed or cancelled); called once. */
    void onDone();
}
