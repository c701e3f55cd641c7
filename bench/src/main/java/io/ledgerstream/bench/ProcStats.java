package io.ledgerstream.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Reads a process's CPU time and memory from Linux {@code /proc}: {@code /proc/<pid>/stat} (utime + stime, in clock
 * ticks) and {@code /proc/<pid>/status} (VmRSS, VmHWM), and the machine's load averages from {@code /proc/loadavg}.
 * On other systems every reading is empty. Stateless and thread-safe; the parsing methods are pure.
 */
final class ProcStats {

    /** Linux's USER_HZ; {@code getconf CLK_TCK} prints it, and it is 100 on every mainstream kernel build. */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcStats() {}

    /** CPU time (user + system) the process has used, in clock ticks; empty if it is gone or not Linux. */
    static OptionalLong cpuTicks(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "stat"))
                .map(ProcStats::parseCpuTicks)
                .orElse(OptionalLong.empty());
    }

    /** Resident set size of the process in bytes; empty if it is gone or not Linux. */
    static OptionalLong rssBytes(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "status"))
                .map(s -> parseStatusKb(s, "VmRSS:"))
                .orElse(OptionalLong.empty());
    }

    /** Peak resident set size of the process in bytes (VmHWM); empty if it is gone or not Linux. */
    static OptionalLong peakRssBytes(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "status"))
                .map(s -> parseStatusKb(s, "VmHWM:"))
                .orElse(OptionalLong.empty());
    }

    /** The 1, 5 and 15 minute load averages, or an empty array if unavailable. */
    static double[] loadAverages() {
        return read(Path.of("/proc/loadavg")).map(ProcStats::parseLoadAverages).orElse(new double[0]);
    }

    /**
     * Parses utime + stime from the text of {@code /proc/<pid>/stat}. The command name (field 2) may hold spaces and
     * parentheses, so fields are counted after its last {@code ')'}: utime and stime are fields 14 and 15.
     */
    static OptionalLong parseCpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        // f[0] is field 3 (state), so field n is f[n - 3]
        if (f.length < 13) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Parses a {@code Key:   123 kB} line of {@code /proc/<pid>/status} into bytes. */
    static OptionalLong parseStatusKb(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).trim().split("\\s+");
                try {
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    static double[] parseLoadAverages(String loadavg) {
        String[] f = loadavg.trim().split("\\s+");
        if (f.length < 3) {
            return new double[0];
        }
        try {
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (NumberFormatException e) {
            return new double[0];
        }
    }

    private static java.util.Optional<String> read(Path path) {
        try {
            return java.util.Optional.of(Files.readString(path, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
