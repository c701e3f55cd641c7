package io.ledgerstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CanonicalWriterTest {

    @Test
    void shouldWriteEveryStringAsItsUtf8LengthAndBytesWhateverItsCharacters() throws IOException {
        // given: ASCII, Latin-1, beyond Latin-1, a supplementary character, an unpaired surrogate, empty, long
        List<String> values = List.of(
                "acct-42",
                "Zürich",
                "€uro",
                "naïve-ß-ø",
                "emoji-\uD83D\uDE00",
                "broken-\uD800-x",
                "",
                "x".repeat(300),
                "0190c1de-7a5b-7c3e-9f00-0123456789ab");
        for (String value : values) {
            // when
            byte[] written =
                    new CanonicalWriter().writeString(value).writeLong(-7).toByteArray();

            // then
            assertThat(written).as(value).isEqualTo(reference(value, -7));
        }
    }

    @Test
    void shouldAgreeWithTheReferenceEncodingOnRandomStrings() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        for (int n = 0; n < 5_000; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                int kind = random.nextInt(10);
                s.append(
                        kind < 7
                                ? (char) (0x20 + random.nextInt(0x5F))
                                : kind < 9 ? (char) (0x80 + random.nextInt(0x700)) : (char) random.nextInt(0x10000));
            }
            long number = random.nextLong();
            assertThat(new CanonicalWriter()
                            .writeString(s.toString())
                            .writeLong(number)
                            .toByteArray())
                    .isEqualTo(reference(s.toString(), number));
        }
    }

    @Test
    void shouldEncodeFromScratchAfterEachResetWhateverWasWrittenBefore() throws IOException {
        // one writer reused, as each thread's is: values of every size, one far past the buffer it keeps
        CanonicalWriter writer = new CanonicalWriter();
        SplittableRandom random = new SplittableRandom(3);
        for (int n = 0; n < 2_000; n++) {
            int length = n % 100 == 0 ? 10_000 + random.nextInt(5_000) : random.nextInt(60);
            String value = (n % 3 == 0 ? "é" : "a").repeat(length);
            long number = random.nextLong();

            byte[] written = writer.reset().writeString(value).writeLong(number).toByteArray();

            assertThat(written).as("value %d", n).isEqualTo(reference(value, number));
        }
    }

    @Test
    void shouldHashWhatItHoldsInPlaceLikeTheCopiedBytes() throws NoSuchAlgorithmException {
        CanonicalWriter writer =
                new CanonicalWriter().writeString("acct-1").writeLong(3).writeByte(9);
        byte[] prefix = {1, 2, 3};
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(prefix);
        digest.update(writer.toByteArray());

        assertThat(Hashes.sha256(prefix, writer)).isEqualTo(digest.digest());
        assertThat(Hashes.sha256(prefix, writer)).isEqualTo(Hashes.sha256(prefix, writer.toByteArray()));
    }

    /** Big-endian length and UTF-8 bytes, then the long, through the JDK's own encoders. */
    private static byte[] reference(String value, long number) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
        out.writeLong(number);
        return bytes.toByteArray();
    }
}
