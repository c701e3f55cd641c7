package io.ledgerstream.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Deterministic binary encoder shared by the event hash and the request fingerprint: big-endian primitives (the
 * layout of {@link java.io.DataOutputStream}); a string is its UTF-8 byte length as a 4-byte int followed by the UTF-8
 * bytes (not {@link java.io.DataOutputStream#writeUTF}, whose modified UTF-8 and 64 KiB bound we do not want); a
 * nullable value is a presence byte (0 absent, 1 present) followed by the value when present.
 *
 * <p>Writes straight into a growable array (no streams, no checked exceptions): the audit hashes every event it
 * replays, so this is on its hot path. Not thread-safe; use one per encoding.
 */
final class CanonicalWriter {
    private byte[] buf = new byte[160];
    private int size;

    CanonicalWriter writeByte(int value) {
        ensure(1);
        buf[size++] = (byte) value;
        return this;
    }

    CanonicalWriter writeInt(int value) {
        ensure(4);
        buf[size] = (byte) (value >>> 24);
        buf[size + 1] = (byte) (value >>> 16);
        buf[size + 2] = (byte) (value >>> 8);
        buf[size + 3] = (byte) value;
        size += 4;
        return this;
    }

    CanonicalWriter writeLong(long value) {
        ensure(8);
        for (int shift = 56, i = size; shift >= 0; shift -= 8, i++) {
            buf[i] = (byte) (value >>> shift);
        }
        size += 8;
        return this;
    }

    CanonicalWriter writeString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, size, utf8.length);
        size += utf8.length;
        return this;
    }

    CanonicalWriter writeNullableString(String value) {
        if (value == null) {
            return writeByte(0);
        }
        return writeByte(1).writeString(value);
    }

    CanonicalWriter writeOptionalLong(OptionalLong value) {
        if (value.isEmpty()) {
            return writeByte(0);
        }
        return writeByte(1).writeLong(value.getAsLong());
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        int needed = size + more;
        if (needed < 0) {
            throw new IllegalStateException("canonical encoding larger than 2 GiB");
        }
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
        }
    }
}
