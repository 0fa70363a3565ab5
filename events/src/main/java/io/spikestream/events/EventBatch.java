package io.spikestream.events;

import java.util.Arrays;

/**
 * An immutable batch of polarity events from one sensor, stored as parallel primitive arrays
 * (x, y, polarity, 64-bit µs timestamps). Accessors never allocate.
 */
public final class EventBatch {
    private final SensorGeometry geometry;
    private final int size;
    private final int[] x;
    private final int[] y;
    private final boolean[] on;
    private final long[] t;

    /** Takes ownership of the arrays; callers in this package guarantee nobody else holds them. */
    EventBatch(SensorGeometry geometry, int size, int[] x, int[] y, boolean[] on, long[] t) {
        this.geometry = geometry;
        this.size = size;
        this.x = x;
        this.y = y;
        this.on = on;
        this.t = t;
    }

    public static EventBatch empty(SensorGeometry geometry) {
        return new EventBatch(geometry, 0, new int[0], new int[0], new boolean[0], new long[0]);
    }

    /**
     * Copies the first {@code size} entries of the arrays into a new batch after checking that every
     * coordinate lies inside the geometry.
     */
    public static EventBatch of(SensorGeometry geometry, int size, int[] x, int[] y, boolean[] on, long[] t) {
        if (size < 0 || x.length < size || y.length < size || on.length < size || t.length < size) {
            throw new IllegalArgumentException("arrays shorter than size " + size);
        }
        for (int i = 0; i < size; i++) {
            if (!geometry.contains(x[i], y[i])) {
                throw new IllegalArgumentException(
                        "event " + i + ": (" + x[i] + ", " + y[i] + ") outside " + geometry);
            }
        }
        return new EventBatch(geometry, size, Arrays.copyOf(x, size), Arrays.copyOf(y, size),
                Arrays.copyOf(on, size), Arrays.copyOf(t, size));
    }

    public SensorGeometry geometry() {
        return geometry;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int x(int i) {
        return x[checkIndex(i)];
    }

    public int y(int i) {
        return y[checkIndex(i)];
    }

    /** True for an ON (brightness increase) event. */
    public boolean on(int i) {
        return on[checkIndex(i)];
    }

    /** Timestamp in µs. */
    public long t(int i) {
        return t[checkIndex(i)];
    }

    /** A new batch holding events {@code from} (inclusive) to {@code to} (exclusive). */
    public EventBatch slice(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("slice " + from + ".." + to + " of " + size);
        }
        return new EventBatch(geometry, to - from, Arrays.copyOfRange(x, from, to),
                Arrays.copyOfRange(y, from, to), Arrays.copyOfRange(on, from, to), Arrays.copyOfRange(t, from, to));
    }

    /** Appends all events to {@code out}. */
    public void copyTo(EventBuffer out) {
        out.addAll(x, y, on, t, size);
    }

    // Raw access for the codec in this package; the arrays may be longer than size().
    int[] rawX() {
        return x;
    }

    int[] rawY() {
        return y;
    }

    boolean[] rawOn() {
        return on;
    }

    long[] rawT() {
        return t;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("event " + i + " of " + size);
        }
        return i;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EventBatch other) || other.size != size || !other.geometry.equals(geometry)) {
            return false;
        }
        return Arrays.equals(x, 0, size, other.x, 0, size) && Arrays.equals(y, 0, size, other.y, 0, size)
                && Arrays.equals(on, 0, size, other.on, 0, size) && Arrays.equals(t, 0, size, other.t, 0, size);
    }

    @Override
    public int hashCode() {
        int h = geometry.hashCode() * 31 + size;
        for (int i = 0; i < size; i++) {
            h = h * 31 + (int) (t[i] ^ (t[i] >>> 32)) + (x[i] << 16 ^ y[i]) + (on[i] ? 1 : 0);
        }
        return h;
    }

    @Override
    public String toString() {
        return size == 0 ? "EventBatch[" + geometry + ", empty]"
                : "EventBatch[" + geometry + ", " + size + " events, t " + t[0] + ".." + t[size - 1] + " µs]";
    }
}
