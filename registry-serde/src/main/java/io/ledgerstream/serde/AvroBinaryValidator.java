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
        Walker walker = new Walker(new AvroBinaryCursor(data, offset, writer.getFullName()));
        walker.datum(writer, 0);
        walker.in.requireEnd();
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

    /** Walks one datum's encoding by its schema, reading through a bounds-checked cursor. */
    private final class Walker {
        final AvroBinaryCursor in;
        private long zeroSizeItems;

        Walker(AvroBinaryCursor in) {
            this.in = in;
        }

        void datum(Schema schema, int depth) {
            if (depth > DEPTH_MAX) {
                throw in.corrupt("nesting deeper than " + DEPTH_MAX);
            }
            switch (schema.getType()) {
                case NULL -> {}
                case BOOLEAN -> {
                    int value = in.readByte() & 0xff;
                    if (value > 1) {
                        throw in.corrupt("boolean byte " + value);
                    }
                }
                case INT -> in.readInt();
                case LONG -> in.readLong();
                case FLOAT -> in.skip(4);
                case DOUBLE -> in.skip(8);
                case STRING, BYTES -> in.skip(
                        in.readLength("length of " + schema.getType().getName()));
                case FIXED -> in.skip(schema.getFixedSize());
                case ENUM -> in.readIndex(schema.getEnumSymbols().size(), "enum " + schema.getFullName());
                case UNION -> {
                    int branch = in.readIndex(schema.getTypes().size(), "union branch");
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
                long count = in.readLong();
                if (count == 0) {
                    return;
                }
                if (count < 0) { // a negative count is followed by the block's size in bytes
                    if (count == Long.MIN_VALUE) {
                        throw in.corrupt("block count " + count);
                    }
                    count = -count;
                    in.readLength("block size");
                }
                if (zeroSizeItems) {
                    this.zeroSizeItems += count;
                    if (this.zeroSizeItems > ZERO_SIZE_ITEMS_MAX) {
                        throw in.corrupt("more than " + ZERO_SIZE_ITEMS_MAX + " empty items");
                    }
                } else if (count > in.remaining()) { // every item takes at least one byte
                    throw in.corrupt("block of " + count + " items in " + in.remaining() + " remaining bytes");
                }
                for (long i = 0; i < count; i++) {
                    if (keySchema != null) {
                        datum(keySchema, depth + 1);
                    }
                    datum(itemSchema, depth + 1);
                }
            }
        }
    }
}
