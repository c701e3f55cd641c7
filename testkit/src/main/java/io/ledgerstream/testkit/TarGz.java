package io.ledgerstream.testkit;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * A minimal extractor for {@code .tar.gz} archives, enough for the Apicurio distribution without adding a dependency.
 *
 * <p>Supports POSIX ustar and GNU tar: regular files and directories, names from the ustar prefix field, GNU long
 * names ({@code L} entries) and PAX extended headers ({@code x} entries, {@code path} record). Other entry types
 * (links, devices, global PAX headers) are skipped. An entry whose path would escape the target directory is rejected.
 * File permissions and timestamps are not restored.
 *
 * <p>Stateless and thread-safe.
 */
final class TarGz {

    private static final int BLOCK = 512;

    /** Upper bound of a GNU long name or PAX header, in bytes; a larger one is treated as a corrupt archive. */
    private static final int MAX_META_ENTRY_BYTES = 1 << 20;

    private TarGz() {}

    /**
     * Extracts {@code archive} into {@code target}, which must exist.
     *
     * @return the number of regular files written
     * @throws IOException if the archive cannot be read, is corrupt, or an entry escapes {@code target}
     */
    static int extract(Path archive, Path target) throws IOException {
        Objects.requireNonNull(archive, "archive");
        Path root = Objects.requireNonNull(target, "target").toAbsolutePath().normalize();
        int files = 0;
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(archive), 64 * 1024))) {
            byte[] header = new byte[BLOCK];
            String pendingName = null;
            while (true) {
                if (!readBlock(in, header)) {
                    break; // archive ended without the two zero blocks: tolerated, as GNU tar does
                }
                if (isZero(header)) {
                    break;
                }
                verifyChecksum(header, archive);
                long size = parseNumber(header, 124, 12);
                char type = (char) header[156];
                switch (type) {
                    case 'L' -> pendingName = trimNul(readMeta(in, size));
                    case 'x' -> {
                        String path = paxPath(readMeta(in, size));
                        if (path != null) {
                            pendingName = path;
                        }
                    }
                    case '0', '\0', '7', '5' -> {
                        String name = pendingName != null ? pendingName : ustarName(header);
                        pendingName = null;
                        Path out = resolve(root, name);
                        if (type == '5' || name.endsWith("/")) {
                            Files.createDirectories(out);
                            skip(in, padded(size));
                        } else if (out.equals(root)) {
                            throw new IOException("Archive entry is not a file name: '" + name + "'");
                        } else {
                            Files.createDirectories(out.getParent());
                            try (OutputStream os = Files.newOutputStream(out)) {
                                copy(in, os, size);
                            }
                            skip(in, padded(size) - size);
                            files++;
                        }
                    }
                    default -> {
                        pendingName = null;
                        skip(in, padded(size));
                    }
                }
            }
        }
        return files;
    }

    private static Path resolve(Path root, String name) throws IOException {
        Path resolved = root.resolve(name).normalize();
        if (name.isEmpty() || !resolved.startsWith(root)) {
            throw new IOException("Archive entry escapes the target directory: '" + name + "'");
        }
        return resolved;
    }

    private static String ustarName(byte[] header) {
        String name = field(header, 0, 100);
        boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? field(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String paxPath(byte[] records) throws IOException {
        // records are "<length> <key>=<value>\n", length counting the whole record in bytes
        String path = null;
        int pos = 0;
        while (pos < records.length) {
            int space = indexOf(records, (byte) ' ', pos);
            if (space < 0) {
                throw new IOException("Corrupt PAX header");
            }
            int length;
            try {
                length = Integer.parseInt(new String(records, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("Corrupt PAX header length", e);
            }
            if (length <= space - pos || pos + length > records.length) {
                throw new IOException("Corrupt PAX header length " + length);
            }
            String record = new String(records, space + 1, pos + length - space - 2, StandardCharsets.UTF_8);
            if (record.startsWith("path=")) {
                path = record.substring("path=".length());
            }
            pos += length;
        }
        return path;
    }

    private static byte[] readMeta(InputStream in, long size) throws IOException {
        if (size < 0 || size > MAX_META_ENTRY_BYTES) {
            throw new IOException("Corrupt archive: metadata entry of " + size + " bytes");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new EOFException("Archive truncated inside a metadata entry");
        }
        skip(in, padded(size) - size);
        return data;
    }

    private static void copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long remaining = size;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new EOFException("Archive truncated: " + remaining + " bytes of an entry missing");
            }
            out.write(buffer, 0, n);
            remaining -= n;
        }
    }

    private static void skip(InputStream in, long n) throws IOException {
        in.skipNBytes(n); // throws EOFException if the archive ends early
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n != BLOCK) {
            throw new EOFException("Archive truncated inside a header");
        }
        return true;
    }

    private static void verifyChecksum(byte[] header, Path archive) throws IOException {
        long expected = parseNumber(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        if (sum != expected) {
            throw new IOException("Corrupt tar header (checksum mismatch) in " + archive);
        }
    }

    private static long parseNumber(byte[] header, int offset, int length) throws IOException {
        if ((header[offset] & 0x80) != 0) { // GNU base-256 encoding for large values
            long value = header[offset] & 0x7f;
            for (int i = offset + 1; i < offset + length; i++) {
                value = (value << 8) | (header[i] & 0xff);
            }
            return value;
        }
        String octal = field(header, offset, length).trim();
        if (octal.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(octal, 8);
        } catch (NumberFormatException e) {
            throw new IOException("Corrupt tar header number: " + octal, e);
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String trimNul(byte[] data) {
        int end = data.length;
        while (end > 0 && data[end - 1] == 0) {
            end--;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] data, byte value, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
