package io.spikestream.bench;

/** Progress of a bench run, for a progress bar or log on stderr. Called from bench threads. */
public interface BenchListener {
    BenchListener NONE = new BenchListener() {
    };

    /** A phase message ("load 2/4: 4 cameras", "draining"). */
    default void message(String text) {
    }

    /** About once a second while replaying one load. */
    default void progress(int cameras, long packets, long events, double seconds, double behindMs,
                          long classified, long expected) {
    }

    /** About once a second while replaying and draining one load: the decisions so far. */
    default void decisions(LiveStats stats) {
    }
}
