package io.spikestream.replay;

/**
 * Callbacks from the replay thread (keep them short: they run on the open-loop schedule's thread).
 */
public interface ReplayListener {
    ReplayListener NONE = new ReplayListener() {
    };

    /** A camera sent the first packet of a sample (an episode starts). */
    default void sampleStarted(String cameraId, SampleRef sample, long intendedNs) {
    }

    /** A camera sent the last packet of a sample ({@code end_of_sample}). */
    default void sampleFinished(String cameraId, SampleRef sample, int events, long intendedNs) {
    }

    /** About once a second: totals so far and how far behind schedule the last packet was. */
    default void progress(long packets, long events, double seconds, double behindMs) {
    }

    /**
     * Polled before every packet: true ends the replay early (Ctrl-C), after which the producer is
     * still flushed, so every packet already handed to it reaches the broker.
     */
    default boolean stopRequested() {
        return false;
    }
}
