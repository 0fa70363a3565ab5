package io.spikestream.app.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A one-line progress bar on stderr: redrawn in place on a terminal, printed every few seconds
 * otherwise (logs, CI). Callers pass a status text (loss, rate, ...) with each update.
 */
public final class ProgressBar implements AutoCloseable {
    private static final long REDRAW_NS = 200_000_000L;
    private static final long LOG_NS = 5_000_000_000L;

    private final PrintStream err;
    private final String title;
    private final long total;
    private final boolean terminal;
    private final long startNs = System.nanoTime();
    private long lastDrawNs;
    private long done;
    private String status = "";

    public ProgressBar(String title, long total) {
        this(System.err, title, total, System.console() != null);
    }

    public ProgressBar(PrintStream err, String title, long total, boolean terminal) {
        this.err = err;
        this.title = title;
        this.total = total;
        this.terminal = terminal;
    }

    /** A bar drawn on a command's error writer (so that tests capture it), redrawn in place on a terminal. */
    public static ProgressBar on(PrintWriter err, String title, long total) {
        OutputStream toWriter = new OutputStream() {
            @Override
            public void write(int b) {
                err.write(b & 0xFF); // the bar draws ASCII only
            }

            @Override
            public void flush() {
                err.flush();
            }
        };
        return new ProgressBar(new PrintStream(toWriter, true, StandardCharsets.US_ASCII), title, total,
                System.console() != null);
    }

    public synchronized void step(long n, String newStatus) {
        done += n;
        if (newStatus != null) {
            status = newStatus;
        }
        long now = System.nanoTime();
        if (now - lastDrawNs >= (terminal ? REDRAW_NS : LOG_NS) || done >= total) {
            lastDrawNs = now;
            draw(now);
        }
    }

    public void step(long n) {
        step(n, null);
    }

    private void draw(long now) {
        double secs = (now - startNs) / 1e9;
        double frac = total > 0 ? Math.min(1.0, (double) done / total) : 0;
        int width = 30;
        int filled = (int) Math.round(frac * width);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        String eta = frac > 0 && frac < 1 ? String.format(Locale.ROOT, " eta %.0fs", secs / frac - secs) : "";
        String line = String.format(Locale.ROOT, "%s [%s] %d/%d %.0fs%s %s", title, bar, done, total, secs, eta, status);
        err.print(terminal ? "\r" + line + "\u001b[K" : line + "\n");
        err.flush();
    }

    @Override
    public synchronized void close() {
        draw(System.nanoTime());
        if (terminal) {
            err.println();
        }
    }
}
