package io.ledgerstream.serde;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The Confluent Schema Registry wire format: one magic byte {@value #MAGIC_BYTE}, the schema id as a 4-byte big-endian
 * signed int, then the record in Avro binary encoding (no Avro container file header).
 *
 * <pre>
 * offset 0      1          5
 *        +------+----------+------------------------+
 *        | 0x00 | schemaId | Avro binary payload ... |
 *        +------+----------+------------------------+
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class WireFormat {

    /** The first byte of every framed payload. */
    public static final byte MAGIC_BYTE = 0x0;

    /** Length of the header (magic byte and schema id), in bytes; the Avro payload starts at this offset. */
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {}

    /**
     * Frames an Avro payload.
     *
     * @param schemaId the writer schema's registry id
     * @param avroPayload the Avro binary encoding of one record, not null
     * @return a new array: header followed by the payload, never null
     */
    public static byte[] frame(int schemaId, byte[] avroPayload) {
        Objects.requireNonNull(avroPayload, "avroPayload");
        byte[] framed = new byte[HEADER_LENGTH + avroPayload.length];
        ByteBuffer.wrap(framed).put(MAGIC_BYTE).putInt(schemaId).put(avroPayload);
        return framed;
    }

    /**
     * Writes the header for a schema id; the caller then writes the Avro payload to the same stream.
     *
     * @param out the stream to write to, not null
     * @param schemaId the writer schema's registry id
     */
    public static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        Objects.requireNonNull(out, "out");
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }

    /**
     * Reads the schema id of a framed payload, checking the header.
     *
     * @param framed a framed payload, not null
     * @return the schema id
     * @throws CorruptPayloadException if {@code framed} is shorter than {@value #HEADER_LENGTH} bytes
     * @throws UnknownMagicByteException if the first byte is not {@value #MAGIC_BYTE}
     */
    public static int schemaId(byte[] framed) {
        return schemaId(Objects.requireNonNull(framed, "framed"), 0, framed.length);
    }

    /**
     * Reads the schema id of the framed payload in {@code data[start, start + length)}, e.g. a record's value in place
     * in a fetched buffer, checking the header as {@link #schemaId(byte[])} does.
     *
     * @param data the bytes, not null
     * @param start the payload's first byte
     * @param length the payload's length; {@code data[start, start + length)} must lie within {@code data}
     * @return the schema id
     * @throws CorruptPayloadException if {@code length} is less than {@value #HEADER_LENGTH}
     * @throws UnknownMagicByteException if the first byte is not {@value #MAGIC_BYTE}
     */
    public static int schemaId(byte[] data, int start, int length) {
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(start, length, data.length);
        checkHeader(data, start, length);
        return ((data[start + 1] & 0xff) << 24)
                | ((data[start + 2] & 0xff) << 16)
                | ((data[start + 3] & 0xff) << 8)
                | (data[start + 4] & 0xff);
    }

    /**
     * Returns the Avro payload of a framed payload, checking the header.
     *
     * @param framed a framed payload, not null
     * @return a read-only view of {@code framed} from offset {@value #HEADER_LENGTH} to its end (no copy), never null
     * @throws CorruptPayloadException if {@code framed} is shorter than {@value #HEADER_LENGTH} bytes
     * @throws UnknownMagicByteException if the first byte is not {@value #MAGIC_BYTE}
     */
    public static ByteBuffer payload(byte[] framed) {
        checkHeader(Objects.requireNonNull(framed, "framed"), 0, framed.length);
        return ByteBuffer.wrap(framed, HEADER_LENGTH, framed.length - HEADER_LENGTH)
                .slice()
                .asReadOnlyBuffer();
    }

    private static void checkHeader(byte[] data, int start, int length) {
        if (length == 0) {
            throw new CorruptPayloadException("Empty payload: a framed record has at least " + HEADER_LENGTH
                    + " bytes (a null record is sent as a null value, not as an empty array)");
        }
        if (data[start] != MAGIC_BYTE) {
            throw new UnknownMagicByteException(data[start]);
        }
        if (length < HEADER_LENGTH) {
            throw new CorruptPayloadException("Payload of " + length + " byte(s) is too short: the header alone"
                    + " (magic byte and schema id) has " + HEADER_LENGTH + " bytes");
        }
    }
}
