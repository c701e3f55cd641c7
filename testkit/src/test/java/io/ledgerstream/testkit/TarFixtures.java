package io.ledgerstream.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small tar.gz archives for tests, including the PAX and GNU long-name forms real archives use. */
final class TarFixtures {

    private TarFixtures() {}

    record Entry(char type, String name, byte[] content) {}

    static Entry file(String name, String content) {
        return new Entry('0', name, content.getBytes(StandardCharsets.UTF_8));
    }

    static Entry directory(String name) {
        return new Entry('5', name, new byte[0]);
    }

    /** A PAX extended header whose {@code path} applies to the next entry. */
    static Entry paxPath(String path) {
        String record = " path=" + path + "\n";
        int length = record.length() + 1;
        while (Integer.toString(length).length() + record.length() != length) {
            length = Integer.toString(length).length() + record.length();
        }
        return new Entry('x', "PaxHeaders/x", (length + record).getBytes(StandardCharsets.UTF_8));
    }

    /** A GNU long-name entry whose content names the next entry. */
    static Entry gnuLongName(String name) {
        return new Entry('L', "././@LongLink", (name + "\0").getBytes(StandardCharsets.UTF_8));
    }

    static void write(Path archive, Entry... entries) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
            out.write(tar(entries));
        }
    }

    static byte[] tar(Entry... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Entry entry : entries) {
            byte[] header = new byte[512];
            byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
            System.arraycopy(name, 0, header, 0, Math.min(100, name.length));
            octal(header, 100, 8, 0644);
            octal(header, 108, 8, 0);
            octal(header, 116, 8, 0);
            octal(header, 124, 12, entry.content().length);
            octal(header, 136, 12, 0);
            header[156] = (byte) entry.type();
            System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
            header[263] = '0';
            header[264] = '0';
            for (int i = 148; i < 156; i++) {
                header[i] = ' ';
            }
            long sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            octal(header, 148, 7, sum);
            out.writeBytes(header);
            out.writeBytes(entry.content());
            int padding = (512 - entry.content().length % 512) % 512;
            out.writeBytes(new byte[padding]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String digits = String.format("%0" + (length - 1) + "o", value);
        System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
        header[offset + length - 1] = 0;
    }
}
