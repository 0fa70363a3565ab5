package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;

/**
 * Streams the polarity events of one recording in file order with bounded memory. Obtain one from
 * {@link Recordings#open}. Not thread-safe.
 *
 * <p>Timestamps are µs and 64-bit: 32-bit counters that wrap (AEDAT 2.0, AEDAT 3.1, EVT) are
 * unwrapped. <b>Timestamps going backwards</b> are otherwise delivered as decoded, in file order, and
 * counted by {@link #timestampRegressions()}; a reader opened with {@link ReadOptions#rejectBackwardTime()}
 * throws {@link RecordingFormatException} at the first such event instead.
 */
public interface RecordingReader extends AutoCloseable {

    RecordingFormat format();

    /** The sensor's pixel array; every emitted event lies inside it. */
    SensorGeometry geometry();

    /**
     * Appends up to {@code maxEvents} polarity events to {@code out}; returns how many, 0 at the end
     * of the recording.
     *
     * @throws RecordingFormatException when the file is malformed at the current position
     */
    int read(EventBuffer out, int maxEvents);

    /**
     * Events decoded so far that are not polarity events: special, sync, trigger, APS, IMU, overflow
     * markers and the like (counted, never emitted).
     */
    long specialEvents();

    /** Polarity events whose timestamp is lower than the previous one's, so far. */
    default long timestampRegressions() {
        return 0;
    }

    /** The byte offset of the next undecoded byte (for progress and error messages). */
    default long position() {
        return -1;
    }

    /** Total size of the underlying file in bytes, or -1 when unknown. */
    default long size() {
        return -1;
    }

    @Override
    void close();
}
