package io.ledgerstream.serde;

/** A payload does not start with the wire format's magic byte {@value WireFormat#MAGIC_BYTE}. */
public final class UnknownMagicByteException extends RegistrySerdeException {

    private static final long serialVersionUID = 1L;

    private final byte magicByte;

    /**
     * Creates an exception.
     *
     * @param magicByte the first byte found
     */
    public UnknownMagicByteException(byte magicByte) {
        super("Unknown magic byte " + magicByte + " (0x" + String.format("%02x", magicByte & 0xff)
                + "): not a schema-registry framed payload, expected " + WireFormat.MAGIC_BYTE);
        this.magicByte = magicByte;
    }

    /**
     * Returns the first byte found.
     *
     * @return the unexpected magic byte
     */
    public byte magicByte() {
        return magicByte;
    }
}
