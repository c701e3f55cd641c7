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
        checkHeader(framed);
        return ((framed[1] & 0xff) << 24) | ((framed[2] & 0xff) << 16) | ((framed[3] & 0xff) << 8) | (framed[4] & 0xff);
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
        checkHeader(framed);
        return ByteBuffer.wrap(framed, HEADER_LENGTH, framed.length - HEADER_LENGTH)
                .slice()
                .asReadOnlyBuffer();
    }

    private static void checkHeader(byte[] framed) {
        Objects.requireNonNull(framed, "framed");
        if (framed.length == 0) {
            throw new CorruptPayloadException("Empty payload: a framed record has at least " + HEADER_LENGTH
                    + " bytes (a null record is sent as a null value, not as an empty array)");
        }
        if (framed[0] != MAGIC_BYTE) {
            throw new UnknownMagicByteException(framed[0]);
        }
        if (framed.length < HEADER_LENGTH) {
            throw new CorruptPayloadException("Payload of " + framed.length + " byte(s) is too short: the header alone"
                    + " (magic byte and schema id) has " + HEADER_LENGTH + " bytes");
        }
    }
}
