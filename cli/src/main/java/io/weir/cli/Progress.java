package io.weir.cli;

import io.weir.capture.PcapReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The progress line of a long offline run, on standard error: bytes read of the file's size, packets per second and
 * the time left, for example {@code 1.21 GB of 3.50 GB (34%), 2.41 M packets/s, ETA 0:00:37}. It appears after the
 * first second, is redrawn at most four times a second, and is erased (carriage return, blanks) when the run ends,
 * so it never mixes with what stays on the screen.
 *
 * <p>Shown only when standard error is a terminal and standard output is not that terminal (or carries no
 * packets: {@code -w}, {@code --count}), and not with {@code -q}. {@code -Dweir.progress=force} shows it anyway
 * from the start (tests), {@code -Dweir.progress=off} never. The per-packet cost is one decrement: the clock is read every
 * {@value #EVERY} packets.
 */
final class Progress {
    /** Packets between two looks at the clock. */
    static final int EVERY = 1024;
    /** Shortest time between two redraws, and before the first. */
    static final long REDRAW_NANOS = 250_000_000L;
    static final long FIRST_NANOS = 1_000_000_000L;

    /** Shows nothing. */
    static final Progress OFF = new Progress(null, -1, 0, false, 0);

    private final PrintStream err;
    private final long total;
    private final long start;
    private final boolean enabled;
    private int countdown = EVERY;
    private long lastDraw;
    private int lastWidth;

    private Progress(PrintStream err, long total, long start, boolean enabled, long firstNanos) {
        this.err = err;
        this.total = total;
        this.start = start;
        this.enabled = enabled;
        this.lastDraw = start - REDRAW_NANOS + firstNanos;
    }

    /**
     * The progress line for reading {@code file} (its size is the total, unknown for standard input and gzip), or
     * {@link #OFF} when it must not show.
     *
     * @param packetsOnStdout whether packet lines go to standard output (print mode)
     */
    static Progress of(String file, PrintStream err, boolean quiet, boolean packetsOnStdout) {
        String mode = System.getProperty("weir.progress", "auto");
        boolean on;
        if (mode.equals("force")) {
            on = true;
        } else if (mode.equals("off") || quiet || err != System.err) {
            on = false;
        } else {
            on = Terminal.isTerminal(2) && !(packetsOnStdout && Terminal.isTerminal(1));
        }
        if (!on) {
            return OFF;
        }
        long total = -1;
        if (!"-".equals(file) && !file.endsWith(".gz")) {
            try {
                total = Files.size(Path.of(file));
            } catch (java.io.IOException | RuntimeException e) {
                total = -1;
            }
        }
        // Forced (tests): drawn from the first look at the clock, so that short runs show it too.
        return new Progress(err, total, System.nanoTime(), true, mode.equals("force") ? 0 : FIRST_NANOS);
    }

    /** Called once per packet read: now and then, redraws the line. */
    void poll(PcapReader r) {
        if (enabled && --countdown == 0) {
            countdown = EVERY;
            long now = System.nanoTime();
            if (now - lastDraw >= REDRAW_NANOS) {
                lastDraw = now;
                draw(line(r.offset(), r.packetsRead(), now - start));
            }
        }
    }

    /** Erases the line, if one was drawn. */
    void finish() {
        if (enabled && lastWidth > 0) {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            err.flush();
            lastWidth = 0;
        }
    }

    private void draw(String text) {
        int pad = Math.max(0, lastWidth - text.length());
        err.print("\r" + text + " ".repeat(pad));
        err.flush();
        lastWidth = text.length();
    }

    /** The line's text after {@code elapsedNanos}, with {@code done} bytes and {@code packets} read. */
    String line(long done, long packets, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos, 1) / 1e9;
        StringBuilder sb = new StringBuilder("weir: ").append(bytes(done));
        if (total > 0 && done <= total) {
            sb.append(" of ").append(bytes(total)).append(" (").append(done * 100 / total).append("%)");
        }
        sb.append(", ").append(rate(packets / seconds)).append(" packets/s");
        if (total > 0 && done > 0 && done <= total) {
            long left = (long) ((total - done) / (done / seconds));
            sb.append(String.format(Locale.ROOT, ", ETA %d:%02d:%02d", left / 3600, left / 60 % 60, left % 60));
        }
        return sb.toString();
    }

    /** Decimal units, as the sizes of disks and of tcpdump's -C are counted. */
    static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    static String rate(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", perSecond / 1e6);
        }
        if (perSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }
}
