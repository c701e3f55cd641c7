package io.ledgerstream.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the time-ordered index stores: 8-byte big-endian epoch milliseconds, then the UTF-8 entry key. Byte order
 * equals time order, so a range scan from {@link #from()} to {@link #upTo(long)} yields every entry due by then.
 */
final class TimeIndex {

    private TimeIndex() {}

    static Bytes key(long timeMs, String entry) {
        byte[] suffix = entry.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + suffix.length)
                .putLong(timeMs)
                .put(suffix)
                .array());
    }

    static Bytes from() {
        return Bytes.wrap(new byte[8]);
    }

    /** The upper bound (inclusive) for entries due at or before {@code timeMs}. */
    static Bytes upTo(long timeMs) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(timeMs + 1).array());
    }

    static String entry(Bytes key) {
        byte[] k = key.get();
        return new String(k, 8, k.length - 8, StandardCharsets.UTF_8);
    }

    /** Hold index entries are {@code accountId + '\0' + holdId}. */
    static String holdEntry(String accountId, String holdId) {
        return accountId + '\0' + holdId;
    }
}
