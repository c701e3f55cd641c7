package io.ledgerstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireFormatTest {

    @Test
    void shouldFrameWithMagicByteAndBigEndianSchemaId() {
        byte[] framed = WireFormat.frame(0x01020304, new byte[] {9, 8});

        assertThat(framed).containsExactly(0, 1, 2, 3, 4, 9, 8);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 255, 256, 65_536, Integer.MAX_VALUE, -1, Integer.MIN_VALUE})
    void shouldReadBackTheSchemaIdItFramed(int schemaId) {
        assertThat(WireFormat.schemaId(WireFormat.frame(schemaId, new byte[0]))).isEqualTo(schemaId);
    }

    @Test
    void shouldWriteTheSameHeaderAsFrame() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        WireFormat.writeHeader(out, 0x7f00ff01);

        assertThat(out.toByteArray()).containsExactly(WireFormat.frame(0x7f00ff01, new byte[0]));
    }

    @Test
    void shouldExposePayloadAsReadOnlyViewWithoutCopy() {
        byte[] framed = WireFormat.frame(7, new byte[] {1, 2, 3});

        ByteBuffer payload = WireFormat.payload(framed);

        assertThat(payload.isReadOnly()).isTrue();
        assertThat(payload.remaining()).isEqualTo(3);
        assertThat(payload.get(0)).isEqualTo((byte) 1);
        framed[5] = 42;
        assertThat(payload.get(0)).isEqualTo((byte) 42);
    }

    @Test
    void shouldRejectUnknownMagicByteNamingIt() {
        byte[] framed = {1, 0, 0, 0, 1, 5};

        assertThatThrownBy(() -> WireFormat.schemaId(framed))
                .isInstanceOf(UnknownMagicByteException.class)
                .hasMessageContaining("magic byte 1")
                .satisfies(e ->
                        assertThat(((UnknownMagicByteException) e).magicByte()).isEqualTo((byte) 1));
    }

    @Test
    void shouldRejectNegativeMagicByteShowingItsHexValue() {
        assertThatThrownBy(() -> WireFormat.payload(new byte[] {(byte) 0xff, 0, 0, 0, 0}))
                .isInstanceOf(UnknownMagicByteException.class)
                .hasMessageContaining("0xff");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void shouldRejectPayloadShorterThanHeader(int length) {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[length]))
                .isInstanceOf(CorruptPayloadException.class)
                .hasMessageContaining(length + " byte(s) is too short");
    }

    @Test
    void shouldRejectEmptyPayload() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[0]))
                .isInstanceOf(CorruptPayloadException.class)
                .hasMessageContaining("Empty payload");
    }

    @Test
    void shouldReadTheSchemaIdOfAPayloadInPlaceInALargerArray() {
        byte[] framed = WireFormat.frame(0x01020304, new byte[] {9, 9});
        byte[] buffer = new byte[3 + framed.length + 4];
        java.util.Arrays.fill(buffer, (byte) 7);
        System.arraycopy(framed, 0, buffer, 3, framed.length);

        assertThat(WireFormat.schemaId(buffer, 3, framed.length)).isEqualTo(0x01020304);
        // the range, not the array, is the payload: a short range fails even with bytes after it
        assertThatThrownBy(() -> WireFormat.schemaId(buffer, 3, 4))
                .isInstanceOf(CorruptPayloadException.class)
                .hasMessageContaining("4 byte(s) is too short");
        assertThatThrownBy(() -> WireFormat.schemaId(buffer, 4, framed.length))
                .isInstanceOf(UnknownMagicByteException.class);
        assertThatThrownBy(() -> WireFormat.schemaId(buffer, buffer.length - 2, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void shouldMakeEveryFailureASerializationException() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {3}))
                .isInstanceOf(RegistrySerdeException.class)
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
    }
}
