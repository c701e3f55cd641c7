package io.ledgerstream.sdk.internal;

import org.apache.kafka.clients.producer.Producer;

/**
 * Test seam of the publisher: called on the publisher thread after each record is handed to the producer, inside the
 * open transaction. Fault-injection tests use it to crash a transaction midway (e.g. flush, then close the producer
 * without committing). Production clients use {@link #NONE}.
 *
 * <p>Not part of the SDK's API: it may change without notice.
 */
@FunctionalInterface
public interface TransactionHook {

    /** The hook that does nothing. */
    TransactionHook NONE = (producer, sent, total) -> {};

    /**
     * Called after the {@code sent}-th record of a transaction of {@code total} records was sent.
     *
     * @param producer the client's producer; the hook may flush or close it
     * @param sent how many records of this transaction were sent so far, {@code 1..total}
     * @param total how many records the transaction will contain
     */
    void afterSend(Producer<String, byte[]> producer, int sent, int total);
}
