package io.captioner.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A progress bar on stderr with a rate and an ETA: one redrawn line on a terminal, and plain lines
 * (every tenth of the work, at most every 15 s) without escape codes when stderr is a file or pipe,
 * so logs stay readable.
 */
final class Progress {

    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long PLAIN_MIN_NANOS = 15_000_000_000L;

    private final PrintWriter err;
    private final String label;
    private final String unit;
    private final long total;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long done;
    private long lastDrawn;
    private long lastPlainTenth = -1;
    private long lastPlainNanos = started;
    private boolean drawn;

    /**
     * @param err where to draw
     * @param label what is in progress, e.g. {@code import}
     * @param unit what is counted, e.g. {@code pairs}
     * @param total how many there are in all
     * @param terminal whether {@code err} is a terminal (see {@link #stderrIsTerminal()})
     */
    Progress(PrintWriter err, String label, String unit, long total, boolean terminal) {
        this.err = err;
        this.label = label;
        this.unit = unit;
        this.total = Math.max(total, 0);
        this.terminal = terminal;
    }

    /**
     * Whether this process's stderr is a terminal. Java only tells whether a console is attached,
     * so on Linux the descriptor's target is read from {@code /proc}; elsewhere a console counts.
     */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path fd = Path.of("/proc/self/fd/2");
        if (Files.exists(fd)) {
            try {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (java.io.IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }

    /** Records that {@code count} of the total are done and redraws when due. */
    synchronized void update(long count) {
        done = Math.min(count, total);
        long now = System.nanoTime();
        if (terminal) {
            if (!drawn || now - lastDrawn >= REDRAW_NANOS || done == total) {
                err.print("\r" + line(now) + "\u001b[K");
                err.flush();
                lastDrawn = now;
                drawn = true;
            }
            return;
        }
        long tenth = total == 0 ? 10 : done * 10 / total;
        if (tenth > lastPlainTenth && (now - lastPlainNanos >= PLAIN_MIN_NANOS || tenth == 10)
                || now - lastPlainNanos >= PLAIN_MIN_NANOS * 4) {
            err.println(line(now));
            err.flush();
            lastPlainTenth = tenth;
            lastPlainNanos = now;
        }
    }

    /** Prints a message line without garbling the bar. */
    synchronized void note(String message) {
        if (terminal && drawn) {
            err.print("\r\u001b[K");
        }
        err.println(message);
        if (terminal && drawn) {
            err.print(line(System.nanoTime()) + "\u001b[K");
        }
        err.flush();
    }

    /** Ends the bar: the final state on its own line. */
    synchronized void finish() {
        long now = System.nanoTime();
        if (terminal) {
            err.println("\r" + line(now) + "\u001b[K");
        } else if (lastPlainTenth < 10) {
            err.println(line(now));
        }
        err.flush();
    }

    private String line(long now) {
        double elapsed = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / elapsed;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        String eta = done == 0 || done >= total ? "" : " ETA " + duration((total - done) / rate);
        return String.format(
                Locale.ROOT,
                "%s [%s%s] %d/%d %s (%d%%) %.1f/s%s",
                label,
                "#".repeat(filled),
                "-".repeat(WIDTH - filled),
                done,
                total,
                unit,
                total == 0 ? 100 : done * 100 / total,
                rate,
                eta);
    }

    /** {@code 1m05s} or {@code 2h03m}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
