package io.ledgerstream.audit;

import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The replay consumers' value deserializer: each record's value as the consumer fetched it, a buffer over the fetched
 * bytes, instead of the copy into a new array per record that Kafka's array deserializer makes. The replay decodes an
 * event once, in place ({@link EventDecoder#decode(String, ByteBuffer)}), and never writes the buffer. A record
 * forwarded to another replay thread goes with a copy of its value ({@link #copy}), so that no queued record keeps a
 * whole fetched buffer reachable.
 */
final class ValuesInPlace implements Deserializer<ByteBuffer> {

    @Override
    public ByteBuffer deserialize(String topic, byte[] data) {
        return data == null ? null : ByteBuffer.wrap(data);
    }

    @Override
    public ByteBuffer deserialize(String topic, Headers headers, ByteBuffer data) {
        return data; // the record's own view of the fetched bytes: no copy
    }

    /**
     * The value's remaining bytes in a new array, for decoders that take an array (outcomes).
     *
     * @param value the value; null returns null
     * @return a copy, or null
     */
    static byte[] copy(ByteBuffer value) {
        if (value == null) {
            return null;
        }
        byte[] bytes = new byte[value.remaining()];
        value.duplicate().get(bytes);
        return bytes;
    }
}
