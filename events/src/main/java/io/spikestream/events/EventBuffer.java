package io.spikestream.events;

import java.util.Arrays;

/**
 * A growable, reusable event buffer for allocation-free loops: readers and decoders fill it,
 * consumers read it with the same accessors as {@link EventBatch}, then {@link #clear()} it.
 * Not thread-safe.
 */
public final class EventBuffer {
    private SensorGeometry geometry;
    private int size;
    private int[] x;
    private int[] y;
    private boolean[] on;
    private long[] t;

    public EventBuffer(SensorGeometry geometry, int initialCapacity) {
        this.geometry = geometry;
        int cap = Math.max(16, initialCapacity);
        x = new int[cap];
        y = new int[cap];
        on = new boolean[cap];
        t = new long[cap];
    }

    public EventBuffer(SensorGeometry geometry) {
        this(geometry, 1024);
    }

    public SensorGeometry geometry() {
        return geometry;
    }

    /** Changes the geometry of the (cleared) buffer, e.g. when a decoder reuses it across cameras. */
    public void reset(SensorGeometry newGeometry) {
        geometry = newGeometry;
        size = 0;
    }

    public int size() {
        return size;
    }

    public void clear() {
        size = 0;
    }

    /** Ensures room for {@code n} more events without further growth. */
    public void ensureSpace(int n) {
        long need = (long) size + n;
        if (need > x.length) {
            if (need > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("event buffer cannot hold " + need + " events");
            }
            int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, x.length * 2L));
            x = Arrays.copyOf(x, cap);
            y = Arrays.copyOf(y, cap);
            on = Arrays.copyOf(on, cap);
            t = Arrays.copyOf(t, cap);
        }
    }

    /** Appends one event; the caller guarantees the coordinates lie inside the geometry. */
    public void add(int ex, int ey, boolean eon, long et) {
        if (size == x.length) {
            ensureSpace(1);
        }
        x[size] = ex;
        y[size] = ey;
        on[size] = eon;
        t[size] = et;
        size++;
    }

    void addAll(int[] ex, int[] ey, boolean[] eon, long[] et, int n) {
        ensureSpace(n);
        System.arraycopy(ex, 0, x, size, n);
        System.arraycopy(ey, 0, y, size, n);
        System.arraycopy(eon, 0, on, size, n);
        System.arraycopy(et, 0, t, size, n);
        size += n;
    }

    public int x(int i) {
        return x[checkIndex(i)];
    }

    public int y(int i) {
        return y[checkIndex(i)];
    }

    public boolean on(int i) {
        return on[checkIndex(i)];
    }

    public long t(int i) {
        return t[checkIndex(i)];
    }

    /** An immutable copy of the current contents. */
    public EventBatch toBatch() {
        return new EventBatch(geometry, size, Arrays.copyOf(x, size), Arrays.copyOf(y, size),
                Arrays.copyOf(on, size), Arrays.copyOf(t, size));
    }

    /** An immutable copy of events {@code from} (inclusive) to {@code to} (exclusive). */
    public EventBatch toBatch(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("range " + from + ".." + to + " of " + size);
        }
        return new EventBatch(geometry, to - from, Arrays.copyOfRange(x, from, to), Arrays.copyOfRange(y, from, to),
                Arrays.copyOfRange(on, from, to), Arrays.copyOfRange(t, from, to));
    }

    private byte[] scratch = new byte[0];

    /** A reusable byte array of at least {@code n} bytes, so the codec copies packets without allocating. */
    byte[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        return scratch;
    }

    /** Sets the size after the codec wrote events directly into the raw arrays. */
    void commit(int newSize) {
        size = newSize;
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
}
