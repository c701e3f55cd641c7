package io.ledgerstream.serde;

import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Checks that bytes are a well-formed Avro binary encoding of one datum of a writer schema, without allocating.
 *
 * <p>Avro's decoders trust the lengths and counts they read: a corrupt string length of a billion makes them allocate
 * a gigabyte before noticing the input is short, and a corrupt array count makes them presize a huge list. Running
 * this check first bounds every length by the bytes actually present, every union branch and enum index by the
 * schema, and rejects trailing bytes, so that decoding a corrupt or hostile payload fails fast with a {@link
 * CorruptPayloadException} instead of an {@link OutOfMemoryError}.
 *
 * <p>Limits: nesting depth at most {@value #DEPTH_MAX} (only recursive schemas nest data); at most {@value
 * #ZERO_SIZE_ITEMS_MAX} array or map items whose encoding can be empty (e.g. {@code null} items) per payload.
 *
 * <p>Immutable and thread-safe.
 */
final class AvroBinaryValidator {

    /** Maximum nesting depth of records, unions, arrays and maps in one payload. */
    static final int DEPTH_MAX = 512;

    /** Maximum number of zero-length array or map items in one payload. */
    static final long ZERO_SIZE_ITEMS_MAX = 1_000_000;

    private final Schema writer;
    private final Schema mapKey = Schema.create(Schema.Type.STRING);

    /** Minimum encoded size of each schema reachable from the writer schema: 0 or at least 1. */
    private final Map<Schema, Integer> minSizes = new IdentityHashMap<>();

    AvroBinaryValidator(Schema writer) {
        this.writer = writer;
        minSize(writer, new IdentityHashMap<>());
    }

    /**
     * Validates {@code data[offset..]}.
     *
     * @throws CorruptPayloadException if the bytes are not exactly one datum of the writer schema
     */
    void validate(byte[] data, int offset) {
        Cursor cursor = new Cursor(data, offset);
        cursor.datum(writer, 0);
        if (cursor.pos != data.length) {
            throw new CorruptPayloadException((data.length - cursor.pos) + " trailing byte(s) after a complete "
                    + writer.getFullName() + " datum at offset " + cursor.pos);
        }
    }

    private int minSize(Schema schema, Map<Schema, Boolean> visiting) {
        Integer known = minSizes.get(schema);
        if (known != null) {
            return known;
        }
        int size =
                switch (schema.getType()) {
                    case NULL -> 0;
                    case FIXED -> Math.min(schema.getFixedSize(), 1);
                    case RECORD -> {
                        if (visiting.put(schema, Boolean.TRUE) != null) {
                            yield 1; // a record containing itself without a union has no finite datum
                        }
                        int any = 0;
                        for (Schema.Field field : schema.getFields()) {
                            any = Math.max(any, minSize(field.schema(), visiting));
                        }
                        visiting.remove(schema);
                        yield any;
                    }
                    case UNION -> {
                        schema.getTypes().forEach(branch -> minSize(branch, visiting));
                        yield 1;
                    }
                    case ARRAY -> {
                        minSize(schema.getElementType(), visiting);
                        yield 1;
                    }
                    case MAP -> {
                        minSize(schema.getValueType(), visiting);
                        yield 1;
                    }
                    default -> 1;
                };
        minSizes.put(schema, size);
        return size;
    }

    private final class Cursor {
        private final byte[] data;
        private int pos;
        private long zeroSizeItems;

        Cursor(byte[] data, int offset) {
            this.data = data;
            this.pos = offset;
        }

        void datum(Schema schema, int depth) {
            if (depth > DEPTH_MAX) {
                throw corrupt("nesting deeper than " + DEPTH_MAX);
            }
            switch (schema.getType()) {
                case NULL -> {}
                case BOOLEAN -> {
                    int value = next() & 0xff;
                    if (value > 1) {
                        throw corrupt("boolean byte " + value);
                    }
                }
                case INT -> varint(5);
                case LONG -> varint(10);
                case FLOAT -> skip(4);
                case DOUBLE -> skip(8);
                case STRING, BYTES -> skip(
                        length("length of " + schema.getType().getName()));
                case FIXED -> skip(schema.getFixedSize());
                case ENUM -> index(schema.getEnumSymbols().size(), "enum " + schema.getFullName());
                case UNION -> {
                    int branch = index(schema.getTypes().size(), "union branch");
                    datum(schema.getTypes().get(branch), depth + 1);
                }
                case RECORD -> {
                    for (Schema.Field field : schema.getFields()) {
                        datum(field.schema(), depth + 1);
                    }
                }
                case ARRAY -> blocks(null, schema.getElementType(), depth);
                case MAP -> blocks(mapKey, schema.getValueType(), depth);
            }
        }

        private void blocks(Schema keySchema, Schema itemSchema, int depth) {
            boolean zeroSizeItems = keySchema == null && minSizes.get(itemSchema) == 0;
            while (true) {
                long count = varint(10);
                if (count == 0) {
                    return;
                }
                if (count < 0) { // a negative count is followed by the block's size in bytes
                    if (count == Long.MIN_VALUE) {
                        throw corrupt("block count " + count);
                    }
                    count = -count;
                    length("block size");
                }
                if (zeroSizeItems) {
                    this.zeroSizeItems += count;
                    if (this.zeroSizeItems > ZERO_SIZE_ITEMS_MAX) {
                        throw corrupt("more than " + ZERO_SIZE_ITEMS_MAX + " empty items");
                    }
                } else if (count > data.length - pos) { // every item takes at least one byte
                    throw corrupt("block of " + count + " items in " + (data.length - pos) + " remaining bytes");
                }
                for (long i = 0; i < count; i++) {
                    if (keySchema != null) {
                        datum(keySchema, depth + 1);
                    }
                    datum(itemSchema, depth + 1);
                }
            }
        }

        /** Reads a non-negative length that fits in the remaining bytes. */
        private int length(String what) {
            long length = varint(10);
            if (length < 0 || length > data.length - pos) {
                throw corrupt(what + " " + length + " with " + (data.length - pos) + " bytes remaining");
            }
            return (int) length;
        }

        private int index(int size, String what) {
            long index = varint(5);
            if (index < 0 || index >= size) {
                throw corrupt(what + " index " + index + " out of range [0, " + size + ")");
            }
            return (int) index;
        }

        /** Reads a zig-zag varint of at most {@code maxBytes} bytes and returns its decoded value. */
        private long varint(int maxBytes) {
            long raw = 0;
            for (int i = 0; i < maxBytes; i++) {
                int b = next() & 0xff;
                raw |= (long) (b & 0x7f) << (7 * i);
                if ((b & 0x80) == 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw corrupt("varint longer than " + maxBytes + " bytes");
        }

        private byte next() {
            if (pos >= data.length) {
                throw corrupt("truncated");
            }
            return data[pos++];
        }

        private void skip(int n) {
            if (n > data.length - pos) {
                throw corrupt("truncated: " + n + " bytes needed, " + (data.length - pos) + " remaining");
            }
            pos += n;
        }

        private CorruptPayloadException corrupt(String problem) {
            return new CorruptPayloadException(
                    "Not a valid " + writer.getFullName() + " Avro encoding at offset " + pos + ": " + problem);
        }
    }
}
