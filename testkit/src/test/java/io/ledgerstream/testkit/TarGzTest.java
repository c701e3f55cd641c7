package io.ledgerstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarGzTest {

    @TempDir
    Path temp;

    @Test
    void shouldExtractFilesAndDirectories() throws Exception {
        Path archive = temp.resolve("a.tar.gz");
        TarFixtures.write(
                archive,
                TarFixtures.directory("lib/"),
                TarFixtures.file("lib/a.jar", "A"),
                TarFixtures.file("runner.jar", "x".repeat(1500)));
        Path out = Files.createDirectories(temp.resolve("out"));

        int files = TarGz.extract(archive, out);

        assertThat(files).isEqualTo(2);
        assertThat(out.resolve("lib/a.jar")).hasContent("A");
        assertThat(out.resolve("runner.jar")).hasContent("x".repeat(1500));
    }

    @Test
    void shouldUsePaxPathAndGnuLongNames() throws Exception {
        String longPax = "lib/" + "p".repeat(150) + ".jar";
        String longGnu = "lib/" + "g".repeat(150) + ".jar";
        Path archive = temp.resolve("long.tar.gz");
        TarFixtures.write(
                archive,
                TarFixtures.paxPath(longPax),
                TarFixtures.file("truncated-name-1", "pax"),
                TarFixtures.gnuLongName(longGnu),
                TarFixtures.file("truncated-name-2", "gnu"));
        Path out = Files.createDirectories(temp.resolve("out"));

        TarGz.extract(archive, out);

        assertThat(out.resolve(longPax)).hasContent("pax");
        assertThat(out.resolve(longGnu)).hasContent("gnu");
        assertThat(out.resolve("truncated-name-1")).doesNotExist();
    }

    @Test
    void shouldRejectEntryEscapingTarget() throws Exception {
        Path archive = temp.resolve("evil.tar.gz");
        TarFixtures.write(archive, TarFixtures.file("../evil", "x"));
        Path out = Files.createDirectories(temp.resolve("out"));

        assertThatThrownBy(() -> TarGz.extract(archive, out))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("escapes");
        assertThat(temp.resolve("evil")).doesNotExist();
    }

    @Test
    void shouldRejectTruncatedArchive() throws Exception {
        byte[] tar = TarFixtures.tar(TarFixtures.file("big", "y".repeat(4000)));
        Path archive = temp.resolve("truncated.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
            out.write(Arrays.copyOf(tar, 1024));
        }
        Path out = Files.createDirectories(temp.resolve("out"));

        assertThatThrownBy(() -> TarGz.extract(archive, out)).isInstanceOf(IOException.class);
    }

    @Test
    void shouldRejectCorruptHeader() throws Exception {
        byte[] tar = TarFixtures.tar(TarFixtures.file("f", "z"));
        tar[10] ^= 0x55; // breaks the checksum
        Path archive = temp.resolve("corrupt.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
            out.write(tar);
        }
        Path out = Files.createDirectories(temp.resolve("out"));

        assertThatThrownBy(() -> TarGz.extract(archive, out))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("checksum");
    }
}
