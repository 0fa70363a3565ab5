package io.spikestream.snn.inference;

import java.util.Arrays;

/**
 * The neurons of one spiking layer in one session, kept per output row ({@code [row][column · channels +
 * channel]}; a fully connected layer has one row): pre-activations, membranes and this step's spikes.
 * The neuron pass over a row is a few same-index loops, so it vectorizes.
 */
final class SpikingRows {
    /** Pre-activations of this step; every row is back to zeros after its neuron pass. */
    final float[][] acc;
    final float[][] membrane;
    /** This step's spikes, 0 or 1 (NaN where the membrane is NaN: no spike), laid out as {@link #acc}. */
    final float[][] spikes;
    /** The spike list, kept only when the next layer reads a list (a pooling layer reads the rows). */
    final ActiveList out;
    private final boolean listed;
    private final float[][] rowScale;
    private final float[][] rowShift;
    private final float leak;
    private final float theta;

    SpikingRows(int rows, int rowLength, boolean listed, float[][] rowScale, float[][] rowShift, float leak,
                float theta) {
        acc = new float[rows][rowLength];
        membrane = new float[rows][rowLength];
        spikes = new float[rows][rowLength];
        out = new ActiveList(rows * rowLength);
        Arrays.fill(out.val, 1f);
        this.listed = listed;
        this.rowScale = rowScale;
        this.rowShift = rowShift;
        this.leak = leak;
        this.theta = theta;
    }

    /**
     * The neuron pass over row {@code r} at step {@code t}: leak, folded BN, threshold and reset, then the
     * row's spikes appended (ascending) to the list from {@code n}; the row's pre-activations are cleared.
     * Returns the new count.
     */
    int fireRow(int t, int r, int n) {
        final float[] u = membrane[r];
        final float[] a = acc[r];
        final float[] sp = spikes[r];
        final float[] sc = rowScale[t];
        final float[] sh = rowShift[t];
        final float leak = this.leak;
        final float theta = this.theta;
        if (theta == 1f) {
            // spike ⇔ v > 1: v − 1 is then at least 2⁻²³ (the float after 1), so s is exactly 1,
            // otherwise v − 1 ≤ 0 and s is 0 (NaN stays NaN: no spike, as v > 1 is false);
            // v − s is the reset by subtraction, and v − 0 = v. Branch-free, so it vectorizes.
            for (int o = 0; o < u.length; o++) {
                float v = leak * u[o] + (a[o] * sc[o] + sh[o]);
                float s = Math.min(Math.max((v - 1f) * 0x1p24f, 0f), 1f);
                u[o] = v - s;
                sp[o] = s;     // NaN (as s) where v is NaN; readers count it as no spike
                a[o] = 0f;
            }
        } else {
            FoldedNetwork.integrate(u, a, sc, sh, leak);
            for (int o = 0; o < u.length; o++) {
                sp[o] = FoldedNetwork.fireIntegrated(u, o, theta) ? 1f : 0f;
            }
        }
        if (!listed) {
            return n;
        }
        final int[] idx = out.idx;
        final int base = r * u.length;
        for (int o = 0; o < sp.length; o++) {
            idx[n] = base + o;     // written always, kept only on a spike: no unpredictable branch
            n += (int) sp[o];      // 1 or 0 (NaN converts to 0): no branch either
        }
        return n;
    }

    /** Every row's neuron pass, listing the spikes. */
    void fireAll(int t) {
        int n = 0;
        for (int r = 0; r < acc.length; r++) {
            n = fireRow(t, r, n);
        }
        out.count = n;
    }

    void reset() {
        for (float[] row : membrane) {
            Arrays.fill(row, 0f);
        }
    }
}
