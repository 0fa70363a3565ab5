package io.spikestream.app.bench;

import io.spikestream.bench.BenchListener;
import java.io.PrintWriter;
import java.util.Locale;

/** Bench progress as lines on stderr (about one a second while replaying). */
public final class StderrBenchListener implements BenchListener {
    private final PrintWriter err;
    private final String name;

    public StderrBenchListener(PrintWriter err, String name) {
        this.err = err;
        this.name = name;
    }

    @Override
    public void message(String text) {
        err.println(name + ": " + text);
        err.flush();
    }

    @Override
    public void progress(int cameras, long packets, long events, double seconds, double behindMs, long classified,
                         long expected) {
        err.printf(Locale.ROOT, "%s: %d cam, %.0f s, %d packets, %d events, behind %.1f ms, classified %d/%d%n",
                name, cameras, seconds, packets, events, behindMs, classified, expected);
        err.flush();
    }
}
