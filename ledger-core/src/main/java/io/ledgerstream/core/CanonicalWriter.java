package io.ledgerstream.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Deterministic binary encoder shared by the event hash and the request fingerprint: big-endian primitives (the
 * layout of {@link java.io.DataOutputStream}); a string is its UTF-8 byte length as a 4-byte int followed by the UTF-8
 * bytes (not {@link java.io.DataOutputStream#writeUTF}, whose modified UTF-8 and 64 KiB bound we do not want); a
 * nullable value is a presence byte (0 absent, 1 present) followed by the value when present.
 *
 * <p>Writes straight into a growable array (no streams, no checked exceptions): the audit hashes every event it
 * replays, so this is on its hot path. Not thread-safe; use one per encoding at a time ({@link #reset} starts the
 * next).
 */
final class CanonicalWriter {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Strings up to this length are copied character by character when ASCII (no intermediate array). */
    private static final int ASCII_LOOP_MAX = 16;

    private static final int INITIAL_BYTES = 160;

    /** A buffer grown past this (an unusually long ID) is not kept by {@link #reset}. */
    private static final int KEPT_BYTES_MAX = 4096;

    private byte[] buf = new byte[INITIAL_BYTES];
    private int size;

    /** Empties the writer for the next encoding. */
    CanonicalWriter reset() {
        size = 0;
        if (buf.length > KEPT_BYTES_MAX) {
            buf = new byte[INITIAL_BYTES];
        }
        return this;
    }

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
        LONGS.set(buf, size, value);
        size += 8;
        return this;
    }

    CanonicalWriter writeString(String value) {
        int length = value.length();
        if (length > ASCII_LOOP_MAX) {
            return writeUtf8(value); // the JDK's encoder is faster on longer strings (e.g. UUID request IDs)
        }
        ensure(4 + length);
        int start = size + 4;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                return writeUtf8(value); // not ASCII: let the JDK encode it
            }
            buf[start + i] = (byte) c; // an ASCII character is its own UTF-8 byte
        }
        writeInt(length);
        size += length;
        return this;
    }

    private CanonicalWriter writeUtf8(String value) {
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

    /** Feeds what was written to a digest, without copying it. */
    void writeTo(MessageDigest digest) {
        digest.update(buf, 0, size);
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
