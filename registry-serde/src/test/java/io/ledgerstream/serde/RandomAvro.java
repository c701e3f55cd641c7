package io.ledgerstream.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Generates random, valid Avro data for any schema, for round-trip tests over every generated class.
 *
 * <p>{@link #generic(Schema)} builds a {@link GenericData} datum in Avro's raw representation (logical types as their
 * underlying long, int, bytes or string, always within the logical type's valid range). {@link #specific(Class)}
 * turns it into an instance of a generated class by encoding it with a plain {@link GenericDatumWriter} and decoding
 * it with a {@link SpecificDatumReader} that uses the class's own model. That is more robust than {@code
 * SpecificData.deepCopy}, which cannot convert a raw logical value (e.g. decimal bytes) into the class's converted
 * type ({@code BigDecimal}) and fails when the instance's setter casts it.
 *
 * <p>Sizes are bounded: at most {@value #COLLECTION_SIZE_MAX} items per array or map, {@value #STRING_LENGTH_MAX}
 * characters per string, nesting of recursive records at most {@value #DEPTH_MAX} deep. Deterministic for a seed. Not
 * thread-safe.
 */
final class RandomAvro {

    static final int COLLECTION_SIZE_MAX = 4;
    static final int STRING_LENGTH_MAX = 24;
    static final int DEPTH_MAX = 4;

    private final Random random;

    RandomAvro(long seed) {
        this.random = new Random(seed);
    }

    /** Returns a populated instance of a generated record class. */
    <T extends SpecificRecord> T specific(Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        Object raw = generic(schema);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<>(schema, GenericData.get()).write(raw, encoder);
            encoder.flush();
            SpecificDatumReader<T> reader = new SpecificDatumReader<>(schema, schema, model);
            return reader.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns a random datum of {@code schema} in Avro's raw generic representation. */
    Object generic(Schema schema) {
        return value(schema, 0);
    }

    private Object value(Schema schema, int depth) {
        LogicalType logical = schema.getLogicalType();
        if (logical != null) {
            return logicalValue(schema, logical);
        }
        return switch (schema.getType()) {
            case NULL -> null;
            case BOOLEAN -> random.nextBoolean();
            case INT -> random.nextInt();
            case LONG -> random.nextLong();
            case FLOAT -> random.nextFloat() * 1000f;
            case DOUBLE -> random.nextDouble() * 1e6;
            case BYTES -> ByteBuffer.wrap(bytes(random.nextInt(STRING_LENGTH_MAX + 1)));
            case STRING -> string();
            case FIXED -> new GenericData.Fixed(schema, bytes(schema.getFixedSize()));
            case ENUM -> new GenericData.EnumSymbol(
                    schema,
                    schema.getEnumSymbols()
                            .get(random.nextInt(schema.getEnumSymbols().size())));
            case ARRAY -> {
                int size = depth >= DEPTH_MAX ? 0 : random.nextInt(COLLECTION_SIZE_MAX + 1);
                List<Object> items = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    items.add(value(schema.getElementType(), depth + 1));
                }
                yield new GenericData.Array<>(schema, items);
            }
            case MAP -> {
                int size = depth >= DEPTH_MAX ? 0 : random.nextInt(COLLECTION_SIZE_MAX + 1);
                Map<String, Object> map = new HashMap<>();
                for (int i = 0; i < size; i++) {
                    map.put(string() + i, value(schema.getValueType(), depth + 1));
                }
                yield map;
            }
            case UNION -> value(pickBranch(schema, depth), depth + 1);
            case RECORD -> {
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), value(field.schema(), depth + 1));
                }
                yield record;
            }
        };
    }

    /** Picks a union branch; beyond the depth limit prefers a branch that cannot recurse (null or a primitive). */
    private Schema pickBranch(Schema union, int depth) {
        List<Schema> branches = union.getTypes();
        if (depth >= DEPTH_MAX) {
            for (Schema branch : branches) {
                if (branch.getType() != Schema.Type.RECORD
                        && branch.getType() != Schema.Type.ARRAY
                        && branch.getType() != Schema.Type.MAP) {
                    return branch;
                }
            }
        }
        return branches.get(random.nextInt(branches.size()));
    }

    private Object logicalValue(Schema schema, LogicalType logical) {
        if (logical instanceof LogicalTypes.Decimal decimal) {
            int digits = 1 + random.nextInt(decimal.getPrecision());
            BigInteger unscaled = new BigInteger(digits * 3, random).mod(BigInteger.TEN.pow(digits));
            BigDecimal value = new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), decimal.getScale());
            Conversions.DecimalConversion conversion = new Conversions.DecimalConversion();
            return schema.getType() == Schema.Type.FIXED
                    ? conversion.toFixed(value, schema, decimal)
                    : conversion.toBytes(value, schema, decimal);
        }
        return switch (logical.getName()) {
            case "uuid" -> new UUID(random.nextLong(), random.nextLong()).toString();
            case "date" -> random.nextInt(40_000); // days since the epoch, until about 2079
            case "time-millis" -> random.nextInt(86_400_000);
            case "time-micros" -> (long) random.nextInt(86_400_000) * 1000L + random.nextInt(1000);
            case "timestamp-millis", "local-timestamp-millis" -> (long) (random.nextDouble() * 4e12);
            case "timestamp-micros", "local-timestamp-micros" -> (long) (random.nextDouble() * 4e15);
            case "timestamp-nanos", "local-timestamp-nanos" -> (long) (random.nextDouble() * 4e18);
            default -> throw new IllegalArgumentException("RandomAvro does not support logical type "
                    + logical.getName() + " yet: add it here with a valid value range");
        };
    }

    private String string() {
        int length = random.nextInt(STRING_LENGTH_MAX + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            // mostly ASCII, sometimes multi-byte UTF-8
            text.append(
                    random.nextInt(8) == 0
                            ? (char) ('\u00e0' + random.nextInt(20))
                            : (char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
