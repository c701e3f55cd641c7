package io.ledgerstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AvroBinaryCursorTest {

    /** Avro binary of a record {long 3, string "ab", bytes [1, 2]}. */
    private static final byte[] DATUM = {6, 4, 'a', 'b', 4, 1, 2};

    /** {@link #DATUM} at offset 10 of a larger array, with bytes before and after it. */
    private static byte[] inPlace(byte[] datum) {
        byte[] buffer = new byte[10 + datum.length + 10];
        Arrays.fill(buffer, (byte) 2); // a varint 1, or a length of 1: readable if a cursor strayed past its range
        System.arraycopy(datum, 0, buffer, 10, datum.length);
        return buffer;
    }

    @Test
    void shouldReadARecordInPlaceExactlyToTheEndOfItsRange() {
        byte[] buffer = inPlace(DATUM);
        AvroBinaryCursor in = new AvroBinaryCursor(buffer, 10, 10 + DATUM.length, 0, "Test");

        assertThat(in.readLong()).isEqualTo(3);
        assertThat(in.readString((data, start, length) -> {
                    assertThat(data).isSameAs(buffer);
                    assertThat(start).isEqualTo(12);
                    return new String(data, start, length, java.nio.charset.StandardCharsets.UTF_8);
                }))
                .isEqualTo("ab");
        assertThat(in.readBytes()).containsExactly(1, 2);
        assertThat(in.remaining()).isZero();
        in.requireEnd();
    }

    @Test
    void shouldNeverReadPastTheEndOfItsRange() {
        byte[] buffer = inPlace(DATUM);
        AvroBinaryCursor in = new AvroBinaryCursor(buffer, 10, 10 + DATUM.length - 1, 0, "Test");
        in.readLong();
        in.readString();

        assertThatThrownBy(in::readBytes)
                .isInstanceOf(CorruptPayloadException.class)
                .hasMessage("Not a valid Test Avro encoding at offset 5: length of bytes 2 with 1 bytes remaining");

        AvroBinaryCursor atEnd = new AvroBinaryCursor(buffer, 10, 10, 0, "Test");
        assertThatThrownBy(atEnd::readLong)
                .isInstanceOf(CorruptPayloadException.class)
                .hasMessage("Not a valid Test Avro encoding at offset 0: truncated");
    }

    @Test
    void shouldCountOffsetsInMessagesFromTheRecordsFirstByte() {
        byte[] whole = DATUM.clone();
        byte[] buffer = inPlace(DATUM);
        AvroBinaryCursor alone = new AvroBinaryCursor(whole, 1, "Test");
        AvroBinaryCursor inside = new AvroBinaryCursor(buffer, 10, 10 + DATUM.length, 1, "Test");

        alone.readString();
        inside.readString();

        assertThatThrownBy(alone::requireEnd).hasMessage("3 trailing byte(s) after a complete Test datum at offset 4");
        assertThatThrownBy(inside::requireEnd).hasMessage("3 trailing byte(s) after a complete Test datum at offset 4");
        assertThat(inside.position()).isEqualTo(14);
    }

    @Test
    void shouldRefuseARangeOutsideItsArray() {
        byte[] buffer = new byte[8];

        assertThatThrownBy(() -> new AvroBinaryCursor(buffer, 4, 9, 0, "Test"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AvroBinaryCursor(buffer, 5, 4, 0, "Test"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AvroBinaryCursor(buffer, 2, 6, 5, "Test"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
