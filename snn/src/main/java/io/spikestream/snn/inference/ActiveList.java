package io.spikestream.snn.inference;

/**
 * The non-zero values of one map: ascending indices in (row, column, channel) order and their values,
 * the first {@link #count} entries valid. Sized for a full map once, so steps never allocate.
 */
final class ActiveList {
    final int[] idx;
    final float[] val;
    int count;

    ActiveList(int capacity) {
        idx = new int[capacity];
        val = new float[capacity];
    }
}
