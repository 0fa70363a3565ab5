package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.util.function.Supplier;

/**
 * Shared bookkeeping of the streaming readers: the file, the geometry check of every event, the
 * special-event and backward-time counters and the backward-time policy.
 */
abstract class StreamReader implements RecordingReader {
    /** Geometry used while pre-scanning a file whose header names none. */
    static final SensorGeometry SCAN = new SensorGeometry(SensorGeometry.MAX_SIDE, SensorGeometry.MAX_SIDE);

    /** Thrown by a constructor when neither the options nor the header give the geometry. */
    static final class GeometryUnknown extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient SensorGeometry usual;

        GeometryUnknown(SensorGeometry usual) {
            super(null, null, false, false);
            this.usual = usual;
        }
    }

    final FileInput in;
    final boolean rejectBackward;
    SensorGeometry geometry;
    long special;
    long regressions;
    long lastT = Long.MIN_VALUE;

    StreamReader(FileInput in, ReadOptions options) {
        this.in = in;
        this.rejectBackward = options.rejectBackwardTime();
    }

    /** Sets the geometry from the options, else the header's, else signals {@link GeometryUnknown}. */
    void resolveGeometry(ReadOptions options, SensorGeometry fromHeader, SensorGeometry usual) {
        if (options.geometry() != null) {
            geometry = options.geometry();
        } else if (fromHeader != null) {
            geometry = fromHeader;
        } else {
            throw new GeometryUnknown(usual);
        }
    }

    /** Appends one polarity event after checking its coordinates and time order. */
    final void emit(EventBuffer out, int x, int y, boolean on, long t, long offset) {
        if (x < 0 || y < 0 || x >= geometry.width() || y >= geometry.height()) {
            throw in.error(offset, "event at (" + x + ", " + y + ") outside the " + geometry + " sensor");
        }
        if (t < lastT) {
            regressions++;
            if (rejectBackward) {
                throw in.error(offset, "timestamp " + t + " µs is before the previous event's " + lastT + " µs");
            }
        }
        lastT = t;
        out.add(x, y, on, t);
    }

    @Override
    public SensorGeometry geometry() {
        return geometry;
    }

    @Override
    public long specialEvents() {
        return special;
    }

    @Override
    public long timestampRegressions() {
        return regressions;
    }

    @Override
    public long position() {
        return in.offset();
    }

    @Override
    public long size() {
        return in.isStream() ? -1 : in.size();
    }

    /** Closes the file when a constructor fails half-way. */
    static <T> T closing(FileInput in, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public void close() {
        in.close();
    }
}
