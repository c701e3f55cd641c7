package io.ledgerstream.serde;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A bounds-checked reader of Avro binary primitives over one byte array, or one record's range of a larger array:
 * the rules {@link AvroDeserializer} applies to every payload before Avro sees it, for code that reads a known schema
 * by hand (the audit's event decoder).
 *
 * <p>Every length is checked against the bytes present before anything is allocated, every union branch and enum
 * index against its range, and a varint longer than its type allows is refused; any breach throws {@link
 * CorruptPayloadException} naming the offset (counted from the record's first byte). Nothing outside the record's
 * range is ever read. Strings are decoded as UTF-8 the way Avro's {@code Utf8.toString()} does.
 *
 * <p>Not thread-safe: one cursor per payload.
 */
public final class AvroBinaryCursor {
    private static final StringDecoder UTF_8 =
            (bytes, start, length) -> new String(bytes, start, length, StandardCharsets.UTF_8);

    private final byte[] data;
    private final int start;
    private final int end;
    private final String subject;
    private int pos;

    /**
     * A cursor over a whole array (one record).
     *
     * @param data the bytes; not null, not copied (never written)
     * @param offset where the Avro datum starts, {@code 0..data.length}
     * @param subject what is being read, for messages (e.g. a schema's full name); not null
     */
    public AvroBinaryCursor(byte[] data, int offset, String subject) {
        this(data, 0, Objects.requireNonNull(data, "data").length, offset, subject);
    }

    /**
     * A cursor over the record in {@code data[start, end)}, e.g. a record's bytes in place in a fetched buffer.
     *
     * @param data the bytes; not null, not copied (never written)
     * @param start the record's first byte, {@code 0..end}
     * @param end just past the record's last byte, {@code start..data.length}
     * @param offset where the Avro datum starts, counted from {@code start}: {@code 0..end - start}
     * @param subject what is being read, for messages (e.g. a schema's full name); not null
     */
    public AvroBinaryCursor(byte[] data, int start, int end, int offset, String subject) {
        this.data = Objects.requireNonNull(data, "data");
        this.subject = Objects.requireNonNull(subject, "subject");
        if (start < 0 || end < start || end > data.length) {
            throw new IllegalArgumentException("range [" + start + ", " + end + ") outside [0, " + data.length + "]");
        }
        if (offset < 0 || offset > end - start) {
            throw new IllegalArgumentException("offset " + offset + " outside [0, " + (end - start) + "]");
        }
        this.start = start;
        this.end = end;
        this.pos = start + offset;
    }

    /**
     * Reads an Avro {@code long} (zig-zag varint of at most 10 bytes).
     *
     * @return the value
     */
    public long readLong() {
        return varint(10);
    }

    /**
     * Reads an Avro {@code int} (zig-zag varint of at most 5 bytes), returned unnarrowed.
     *
     * @return the value as read, before any range check
     */
    public long readInt() {
        return varint(5);
    }

    /**
     * Reads a union branch or enum index and checks it.
     *
     * @param size the number of branches or symbols
     * @param what for the message, e.g. {@code "union branch"}
     * @return the index, {@code 0..size-1}
     */
    public int readIndex(int size, String what) {
        long index = varint(5);
        if (index < 0 || index >= size) {
            throw corrupt(what + " index " + index + " out of range [0, " + size + ")");
        }
        return (int) index;
    }

    /**
     * Reads a non-negative length that fits in the remaining bytes.
     *
     * @param what for the message, e.g. {@code "length of string"}
     * @return the length
     */
    public int readLength(String what) {
        long length = varint(10);
        if (length < 0 || length > end - pos) {
            throw corrupt(what + " " + length + " with " + (end - pos) + " bytes remaining");
        }
        return (int) length;
    }

    /**
     * Reads an Avro {@code string}.
     *
     * @return the decoded string (malformed UTF-8 replaced, as Avro does)
     */
    public String readString() {
        return readString(UTF_8);
    }

    /**
     * Reads an Avro {@code string} through a caller's decoder, e.g. one that returns a cached instance for bytes it has
     * seen before instead of allocating.
     *
     * @param decoder receives the bytes in place (the length already checked against the bytes present); must not
     *     write them or keep the array; returns what this call returns
     * @return what {@code decoder} returned
     */
    public String readString(StringDecoder decoder) {
        int length = readLength("length of string");
        String value = decoder.decode(data, pos, length);
        pos += length;
        return value;
    }

    /** Turns the UTF-8 bytes of an Avro string, read in place, into a {@link String}. */
    @FunctionalInterface
    public interface StringDecoder {
        /**
         * @param data the cursor's bytes; read only, not kept
         * @param start where the string's bytes start
         * @param length how many bytes, all present
         * @return the string
         */
        String decode(byte[] data, int start, int length);
    }

    /**
     * Reads Avro {@code bytes}.
     *
     * @return a new array
     */
    public byte[] readBytes() {
        int length = readLength("length of bytes");
        byte[] value = Arrays.copyOfRange(data, pos, pos + length);
        pos += length;
        return value;
    }

    /**
     * Reads one raw byte.
     *
     * @return the byte
     */
    public byte readByte() {
        if (pos >= end) {
            throw corrupt("truncated");
        }
        return data[pos++];
    }

    /**
     * Skips {@code n} bytes that must be present.
     *
     * @param n how many, {@code >= 0}
     */
    public void skip(int n) {
        if (n < 0 || n > end - pos) {
            throw corrupt("truncated: " + n + " bytes needed, " + (end - pos) + " remaining");
        }
        pos += n;
    }

    /**
     * Reads a zig-zag varint of at most {@code maxBytes} bytes.
     *
     * @param maxBytes 5 for an {@code int}, 10 for a {@code long}
     * @return the decoded value
     */
    public long varint(int maxBytes) {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            int b = readByte() & 0xff;
            raw |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw corrupt("varint longer than " + maxBytes + " bytes");
    }

    /** Fails unless every byte was read: a datum is exactly its encoding, with nothing after it. */
    public void requireEnd() {
        if (pos != end) {
            throw new CorruptPayloadException((end - pos) + " trailing byte(s) after a complete " + subject
                    + " datum at offset " + (pos - start));
        }
    }

    /**
     * The next byte's index in the array (not counted from the record's first byte: the index a {@link
     * StringDecoder} is given).
     *
     * @return {@code start + offset..end}
     */
    public int position() {
        return pos;
    }

    /**
     * Bytes not read yet.
     *
     * @return {@code >= 0}
     */
    public int remaining() {
        return end - pos;
    }

    /**
     * An exception for a problem at the current offset.
     *
     * @param problem what is wrong
     * @return the exception, to throw
     */
    public CorruptPayloadException corrupt(String problem) {
        return new CorruptPayloadException(
                "Not a valid " + subject + " Avro encoding at offset " + (pos - start) + ": " + problem);
    }
}
