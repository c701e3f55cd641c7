package io.ledgerstream.audit;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar with events/s and ETA, redrawn in place with carriage returns; for a terminal's standard
 * error only. Thread-safe enough for one reporting thread.
 */
final class ConsoleProgress implements ProgressListener {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private boolean drawn;

    ConsoleProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public synchronized void onProgress(long recordsRead, long recordsTotal, long elapsedMs) {
        err.print('\r' + line(recordsRead, recordsTotal, elapsedMs));
        err.flush();
        drawn = true;
    }

    @Override
    public synchronized void onDone() {
        if (drawn) {
            err.print('\r' + " ".repeat(100) + '\r');
            err.flush();
        }
    }

    static String line(long read, long total, long elapsedMs) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) read / total);
        int filled = (int) Math.round(fraction * WIDTH);
        long rate = elapsedMs <= 0 ? 0 : read * 1000 / elapsedMs;
        String eta = rate <= 0 || read >= total ? "--:--" : clock(Math.max(0, total - read) / rate);
        return String.format(
                Locale.ROOT,
                "[%s%s] %3d%% %,d/%,d records %,d/s ETA %s ",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                Math.round(fraction * 100),
                read,
                total,
                rate,
                eta);
    }

    private static String clock(long seconds) {
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
    }
}
