package io.spikestream.snn.inference;

import java.util.Arrays;

/**
 * One 3×3 convolution of a sparse session. Its active inputs arrive in ascending (row, column, channel)
 * order; with many of them each output position gathers the inputs of its window (in that order) and
 * adds their weight vectors four per pass, with few (under {@code scatterBelow} contributions per output
 * position on average) each input scatters its nine weight vectors into per-position vectors instead.
 * Either way every pre-activation receives its contributions in the canonical order, so both give the
 * reference's bits. Scratch arrays are sized once; a step allocates nothing.
 */
final class SparseConv {
    private final int ci;
    private final int h;
    private final int w;
    private final int co;
    /** [in channel · 9 + tap][out]. */
    private final float[][] taps;
    private final int scatterBelow;
    private final SpikingRows neurons;
    /** Start of each input position's entries in the active list, and the end. */
    private final int[] starts;
    /** Per active input its tap-0 weight vector's index in {@link #taps} (input channel · 9). */
    private final int[] keys;
    /** One window's contributions: weight vector indices and values. */
    private final int[] windowTaps;
    private final float[] windowValues;
    /** One position's pre-activations while they are gathered. */
    private final float[] gathered;
    /** Per output position its pre-activations while inputs scatter, and whether any did. */
    private final float[][] cells;
    private final boolean[] touched;

    SparseConv(int[] in, int[] out, float[][] taps, int scatterBelow, SpikingRows neurons) {
        this.ci = in[0];
        this.h = in[1];
        this.w = in[2];
        this.co = out[0];
        this.taps = taps;
        this.scatterBelow = scatterBelow;
        this.neurons = neurons;
        starts = new int[h * w + 1];
        keys = new int[ci * h * w];
        windowTaps = new int[9 * ci];
        windowValues = new float[9 * ci];
        gathered = new float[co];
        cells = new float[out[1] * out[2]][co];
        touched = new boolean[out[1] * out[2]];
    }

    /** Step {@code t} on the active inputs {@code x}: pre-activations, then the neuron pass row by row. */
    void step(int t, ActiveList x) {
        if ((long) x.count * 9 < (long) h * w * scatterBelow) {
            scatter(t, x);
        } else {
            gather(t, x);
        }
    }

    /**
     * For each output position, the active inputs of its 3×3 window in the canonical order into one
     * pre-activation vector, four weight vectors per pass (fewer passes over the vector than one scatter
     * per input and tap), copied into its row; each row's neuron pass runs while the row is in cache.
     */
    private void gather(int t, ActiveList x) {
        final int ci = this.ci;
        final int h = this.h;
        final int w = this.w;
        final int co = this.co;
        final float[][] taps = this.taps;
        final SpikingRows neurons = this.neurons;
        final int[] idx = x.idx;
        final float[] val = x.val;
        final int[] st = starts;
        final int[] key = keys;
        // st[p]..st[p+1]: the active inputs at map position p (the list is in position order)
        int e = 0;
        final int count = x.count;
        for (int p = 0, base = 0; p < h * w; p++, base += ci) {
            st[p] = e;
            for (int end = base + ci; e < count && idx[e] < end; e++) {
                key[e] = (idx[e] - base) * 9;
            }
        }
        st[h * w] = count;
        final float[] z = gathered;
        final int[] wl = windowTaps;
        final float[] vl = windowValues;
        int n = 0;
        for (int oy = 0; oy < h; oy++) {
            int y0 = Math.max(0, oy - 1);
            int y1 = Math.min(h - 1, oy + 1);
            float[] row = neurons.acc[oy];
            for (int ox = 0; ox < w; ox++) {
                int x0 = Math.max(0, ox - 1);
                int x1 = Math.min(w - 1, ox + 1);
                // the window's contributions in canonical order: weight vector and value
                int k = 0;
                for (int iy = y0; iy <= y1; iy++) {
                    int tapRow = (iy - oy + 1) * 3 - ox + 1;
                    for (int ix = x0; ix <= x1; ix++) {
                        int ip = iy * w + ix;
                        int tap = tapRow + ix;
                        int a = st[ip];
                        int b = st[ip + 1];
                        System.arraycopy(val, a, vl, k, b - a);
                        for (; a < b; a++) {
                            wl[k++] = key[a] + tap;
                        }
                    }
                }
                if (k == 0) {
                    continue; // a position without active inputs keeps its zeros
                }
                VectorOps.addWeighted(z, taps, wl, vl, k);
                System.arraycopy(z, 0, row, ox * co, co);
            }
            n = neurons.fireRow(t, oy, n);
        }
        neurons.out.count = n;
    }

    /**
     * Each active input's weight vectors into the pre-activations of the up to nine outputs it feeds,
     * cheaper than visiting every output's window when inputs are few. Inputs come in ascending order,
     * so every pre-activation still receives them in the canonical order.
     */
    private void scatter(int t, ActiveList x) {
        final int ci = this.ci;
        final int h = this.h;
        final int w = this.w;
        final int co = this.co;
        final float[][] taps = this.taps;
        final SpikingRows neurons = this.neurons;
        final float[][] cell = cells;
        final boolean[] hit = touched;
        final int count = x.count;
        final int[] idx = x.idx;
        final float[] val = x.val;
        for (int e = 0; e < count; e++) {
            int j = idx[e];
            int pos = j / ci;
            int c = j - pos * ci;
            int y = pos / w;
            int xx = pos - y * w;
            float v = val[e];
            int tapBase = c * 9;
            // input (y, x) feeds output (y − ky + 1, x − kx + 1) through tap (ky, kx)
            for (int ky = 0; ky < 3; ky++) {
                int oy = y - ky + 1;
                if (oy < 0 || oy >= h) {
                    continue;
                }
                for (int kx = 0; kx < 3; kx++) {
                    int ox = xx - kx + 1;
                    if (ox < 0 || ox >= w) {
                        continue;
                    }
                    int op = oy * w + ox;
                    VectorOps.add1(cell[op], taps[tapBase + ky * 3 + kx], v);
                    hit[op] = true;
                }
            }
        }
        final float[][] rows = neurons.acc;
        for (int oy = 0, op = 0; oy < h; oy++) {
            for (int ox = 0; ox < w; ox++, op++) {
                if (hit[op]) {
                    // the same-index per-position vectors vectorize; the row is what the neuron pass reads
                    System.arraycopy(cell[op], 0, rows[oy], ox * co, co);
                    Arrays.fill(cell[op], 0f);
                    hit[op] = false;
                }
            }
        }
        int n = 0;
        for (int oy = 0; oy < h; oy++) {
            n = neurons.fireRow(t, oy, n);
        }
        neurons.out.count = n;
    }
}
