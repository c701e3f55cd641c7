package io.ledgerstream.core;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * Deterministic binary encoder shared by the event hash and the request fingerprint: big-endian {@link
 * DataOutputStream} primitives; a string is its UTF-8 byte length as a 4-byte int followed by the UTF-8 bytes (not
 * {@link DataOutputStream#writeUTF}, whose modified UTF-8 and 64 KiB bound we do not want); a nullable value is a
 * presence byte (0 absent, 1 present) followed by the value when present. Not thread-safe; use one per encoding.
 */
final class CanonicalWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    private final DataOutputStream out = new DataOutputStream(bytes);

    CanonicalWriter writeByte(int value) {
        try {
            out.writeByte(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream never throws
        }
        return this;
    }

    CanonicalWriter writeLong(long value) {
        try {
            out.writeLong(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    CanonicalWriter writeString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        try {
            out.writeInt(utf8.length);
            out.write(utf8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        return bytes.toByteArray();
    }
}
