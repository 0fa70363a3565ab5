package io.spikestream.stream.state;
import java.util.Arrays;

/**
 * A closed frame of the current episode, stored sparsely: the indices of its non-zero values (ascending)
 * and the values themselves ({@code null} when every value is 1, as with binary counts).
 *
 * @param index              non-zero positions in the {@code [channel][y][x]} frame, ascending
 * @param value              values at those positions, or null for all ones
 * @param endUs              event time where the frame ended (the framer's frame end)
 * @param events             events that went into the frame
 * @param closedByCall       true when closed by end of sample or the idle grace period, false when an
 *                           event (time window end or event count) closed it
 * @param closingIntendedNs  intended send time of the packet that closed the frame (the last packet with
 *                           events when the idle grace period closed it)
 */
public record StoredFrame(int[] index, float[] value, long endUs, int events, boolean closedByCall, long closingIntendedNs) {

    /** Copies the non-zero values of {@code frame}. */
    public static StoredFrame of(float[] frame, long endUs, int events, boolean closedByCall, long closingIntendedNs) {
        int nz = 0;
        boolean allOnes = true;
        for (float v : frame) {
            if (v != 0f) {
                nz++;
                allOnes &= v == 1f;
            }
        }
        int[] idx = new int[nz];
        float[] val = allOnes ? null : new float[nz];
        for (int i = 0, k = 0; i < frame.length; i++) {
            if (frame[i] != 0f) {
                idx[k] = i;
                if (val != null) {
                    val[k] = frame[i];
                }
                k++;
            }
        }
        return new StoredFrame(idx, val, endUs, events, closedByCall, closingIntendedNs);
    }

    /** Writes the frame densely into {@code out} (cleared first). */
    public void expandInto(float[] out) {
        Arrays.fill(out, 0f);
        for (int k = 0; k < index.length; k++) {
            out[index[k]] = value == null ? 1f : value[k];
        }
    }
}
