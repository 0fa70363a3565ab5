package io.spikestream.snn.inference;

import io.spikestream.snn.BnntModel;
import java.util.Arrays;

/**
 * The event-driven engine (default for serving). Spikes are binary and sparse, so each layer only
 * does work for its active inputs (a spike, a pooled spike fraction, a frame count of any size), listed
 * in ascending (row, column, channel) order:
 *
 * <ul>
 *   <li>conv, many inputs: for each output position, the active inputs of its 3×3 window are listed
 *       in that order and their weight vectors (all output channels) added to one pre-activation
 *       vector, four per pass ({@link #addWeighted}); few inputs (under {@code scatterBelow}
 *       contributions per output on average): each input scatters its nine weight vectors into
 *       per-position vectors instead, copied into the rows afterwards;
 *   <li>fully connected: the weight rows of the active inputs, four per pass;
 *   <li>then per output row one pass applies the leak, BN folded into a scale and shift per channel and
 *       step (repeated over the row), the threshold and the reset, branch-free, writing the row's
 *       spikes as 0/1 floats; they are listed only where the next layer wants a list;
 *   <li>pooling of a conv layer reads its spike rows with the reference's expression and lists the
 *       non-zero pooled values; other pooling adds each input's quarter to the pooled index looked up
 *       in a table.
 * </ul>
 *
 * <p>Vectors are whole arrays indexed alike ({@code a[o] += v·w[o]}, weights as one array per (input
 * channel, tap) or per input): the loop shape HotSpot's C2 vectorizes; offset-shifted array pairs it
 * does not (it cannot rule out that they alias), hence per-position vectors copied into rows, the
 * four-at-a-time passes and the row-long neuron pass.
 *
 * <p>Every pre-activation receives its contributions in the canonical order of {@link
 * DenseReferenceEngine} (gather and scatter alike, and {@code add4} is the same four additions in the
 * same order); skipped zero inputs would have added nothing, and the neuron update is the same
 * arithmetic. The two engines therefore agree bit for bit.
 */
public final class SparseEngine implements InferenceEngine {
    private final BnntModel model;
    private final FoldedNetwork net;
    /** conv: [in channel · 9 + ky · 3 + kx][out]; dense/readout: [input in (row, column, channel) order][out]. */
    private final float[][][] wt;
    /**
     * Spiking layers: the folded BN scale and shift of each step repeated over one output row
     * ({@code [t][column · channels + channel]}), so the neuron pass over a row is one same-index loop.
     */
    private final float[][][] rowScale;
    /** Below about four contributions per output position (under one four-way pass) a scatter is cheaper (measured). */
    static final int DEFAULT_SCATTER_BELOW = 4;
    private final int scatterBelow;
    /**
     * Pooling layers: for each input index in (row, column, channel) order the pooled index it adds
     * to, or the pooled map's size (a slot that is discarded) for the odd last row or column that
     * floor pooling drops; saves three integer divisions per spike.
     */
    private final int[][] poolTarget;
    private final float[][][] rowShift;

    public SparseEngine(BnntModel model) {
        this(model, DEFAULT_SCATTER_BELOW);
    }

    /**
     * {@code scatterBelow}: a conv layer scatters its active inputs when they make fewer than this many
     * contributions per output position on average, else it gathers (0: always gather; huge: always
     * scatter). Both give the same bits; tests force each.
     */
    SparseEngine(BnntModel model, int scatterBelow) {
        this.scatterBelow = scatterBelow;
        this.model = model;
        this.net = new FoldedNetwork(model);
        int n = net.kinds.length;
        wt = new float[n][][];
        rowScale = new float[n][][];
        rowShift = new float[n][][];
        poolTarget = new int[n][];
        for (int l = 0; l < n; l++) {
            if (net.kinds[l] == FoldedNetwork.Kind.POOL) {
                int c = net.in[l][0];
                int h = net.in[l][1];
                int w = net.in[l][2];
                int ho = net.out[l][1];
                int wo = net.out[l][2];
                int[] target = new int[c * h * w];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int oy = y >> 1;
                        int ox = x >> 1;
                        for (int k = 0; k < c; k++) {
                            target[(y * w + x) * c + k] = oy < ho && ox < wo ? (oy * wo + ox) * c + k : c * ho * wo;
                        }
                    }
                }
                poolTarget[l] = target;
            }
            if (net.scale[l] != null) {
                int co = net.out[l][0];
                int rowLen = net.out[l][2] * co;
                rowScale[l] = new float[net.timesteps][rowLen];
                rowShift[l] = new float[net.timesteps][rowLen];
                for (int t = 0; t < net.timesteps; t++) {
                    for (int i = 0; i < rowLen; i++) {
                        rowScale[l][t][i] = net.scale[l][t][i % co];
                        rowShift[l][t][i] = net.shift[l][t][i % co];
                    }
                }
            }
        }
        for (int l = 0; l < n; l++) {
            int ci = net.in[l][0];
            int h = net.in[l][1];
            int wd = net.in[l][2];
            switch (net.kinds[l]) {
                case CONV -> {
                    float[] w = model.params().weight(l);
                    int co = net.out[l][0];
                    float[][] t = new float[ci * 9][co];
                    for (int o = 0; o < co; o++) {
                        for (int c = 0; c < ci; c++) {
                            for (int k = 0; k < 9; k++) {
                                t[c * 9 + k][o] = w[(o * ci + c) * 9 + k];
                            }
                        }
                    }
                    wt[l] = t;
                }
                case DENSE, READOUT -> {
                    float[] w = model.params().weight(l);
                    int nOut = net.out[l][0];
                    int nIn = ci * h * wd;
                    float[][] t = new float[nIn][nOut];
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < wd; x++) {
                            for (int c = 0; c < ci; c++) {
                                float[] row = t[(y * wd + x) * ci + c];
                                int chw = (c * h + y) * wd + x;
                                for (int o = 0; o < nOut; o++) {
                                    row[o] = w[o * nIn + chw];
                                }
                            }
                        }
                    }
                    wt[l] = t;
                }
                case POOL -> wt[l] = null;
            }
        }
    }

    @Override
    public BnntModel model() {
        return model;
    }

    @Override
    public InspectableSession newSession() {
        return new SparseSession();
    }

    /** Non-zero values of one map: ascending indices in (row, column, channel) order and their values. */
    private static final class Active {
        final int[] idx;
        final float[] val;
        int count;

        Active(int capacity) {
            idx = new int[capacity];
            val = new float[capacity];
        }
    }

    /**
     * {@code a[o] += v1·w1[o]}, then {@code + v2·w2[o]} and so on: the same float operations in the same
     * order as four separate passes (Java evaluates left to right and never fuses or reassociates), in
     * one vectorized pass. A binary input's {@code 1·w} is {@code w} exactly.
     */
    static void add4(float[] a, float[] w1, float v1, float[] w2, float v2, float[] w3, float v3, float[] w4, float v4) {
        for (int o = 0; o < a.length; o++) {
            a[o] = (((a[o] + v1 * w1[o]) + v2 * w2[o]) + v3 * w3[o]) + v4 * w4[o];
        }
    }

    /** The last one to three contributions in one pass, as {@link #add4}. */
    static void add3(float[] a, float[] w1, float v1, float[] w2, float v2, float[] w3, float v3) {
        for (int o = 0; o < a.length; o++) {
            a[o] = ((a[o] + v1 * w1[o]) + v2 * w2[o]) + v3 * w3[o];
        }
    }

    static void add2(float[] a, float[] w1, float v1, float[] w2, float v2) {
        for (int o = 0; o < a.length; o++) {
            a[o] = (a[o] + v1 * w1[o]) + v2 * w2[o];
        }
    }

    static void add1(float[] a, float[] w, float v) {
        for (int o = 0; o < a.length; o++) {
            a[o] += v * w[o];
        }
    }

    /**
     * {@code z} = 0 plus the products {@code v[q]·w[list[q]]} for q &lt; k in order, four per pass; the
     * first pass starts from 0 itself (the reference's {@code sum = 0f}), so {@code z} need not be cleared.
     */
    static void addWeighted(float[] z, float[][] w, int[] list, float[] v, int k) {
        int q = 0;
        if (k >= 4) {
            float[] w1 = w[list[0]], w2 = w[list[1]], w3 = w[list[2]], w4 = w[list[3]];
            float v1 = v[0], v2 = v[1], v3 = v[2], v4 = v[3];
            for (int o = 0; o < z.length; o++) {
                z[o] = (((0f + v1 * w1[o]) + v2 * w2[o]) + v3 * w3[o]) + v4 * w4[o];
            }
            q = 4;
        } else {
            Arrays.fill(z, 0f);
        }
        for (; q + 4 <= k; q += 4) {
            add4(z, w[list[q]], v[q], w[list[q + 1]], v[q + 1], w[list[q + 2]], v[q + 2], w[list[q + 3]], v[q + 3]);
        }
        switch (k - q) {
            case 3 -> add3(z, w[list[q]], v[q], w[list[q + 1]], v[q + 1], w[list[q + 2]], v[q + 2]);
            case 2 -> add2(z, w[list[q]], v[q], w[list[q + 1]], v[q + 1]);
            case 1 -> add1(z, w[list[q]], v[q]);
            default -> { }
        }
    }

    private final class SparseSession implements InspectableSession {
        /** Conv layers: per active input its first weight vector's index; per window its vectors' and values. */
        private final int[][] keys;
        private final int[][] windowTaps;
        private final float[][] windowValues;
        /** conv layers: start of each input position's entries in the active list, and the end. */
        private final int[][] starts;
        private final Active input;
        private final Active[] outs;
        /** Spiking layers: [output row][column · channels + channel] (dense layers: one row). */
        private final float[][][] acc;
        /** Conv layers: one position's pre-activations while they are gathered. */
        private final float[][] gathered;
        private final float[][][] membrane;
        /** Spiking layers: this step's spikes (0 or 1), laid out as {@link #acc}. */
        private final float[][][] spikes;
        /** Whether a spiking layer lists its spikes (not when a pooling layer reads its rows instead). */
        private final boolean[] listed;
        /** Conv layers: per output position its pre-activations while inputs scatter, and whether any did. */
        private final float[][][] cells;
        private final boolean[][] touched;
        private final float[][] pooled;
        private final float[] readoutAcc;
        private final float[] readoutSum;
        private final float[] lastReadout;
        private final float[] scores;
        private int steps;

        SparseSession() {
            int n = net.kinds.length;
            input = new Active(model.spec().input().size());
            outs = new Active[n];
            acc = new float[n][][];
            membrane = new float[n][][];
            spikes = new float[n][][];
            listed = new boolean[n];
            cells = new float[n][][];
            touched = new boolean[n][];
            pooled = new float[n][];
            starts = new int[n][];
            gathered = new float[n][];
            keys = new int[n][];
            windowTaps = new int[n][];
            windowValues = new float[n][];
            for (int l = 0; l < n; l++) {
                int[] out = net.out[l];
                switch (net.kinds[l]) {
                    case CONV, DENSE -> {
                        acc[l] = new float[out[1]][out[2] * out[0]];
                        membrane[l] = new float[out[1]][out[2] * out[0]];
                        spikes[l] = new float[out[1]][out[2] * out[0]];
                        listed[l] = !(net.kinds[l] == FoldedNetwork.Kind.CONV && l + 1 < n
                                && net.kinds[l + 1] == FoldedNetwork.Kind.POOL);
                        if (net.kinds[l] == FoldedNetwork.Kind.CONV) {
                            starts[l] = new int[net.in[l][1] * net.in[l][2] + 1];
                            gathered[l] = new float[out[0]];
                            keys[l] = new int[net.size(net.in[l])];
                            cells[l] = new float[out[1] * out[2]][out[0]];
                            touched[l] = new boolean[out[1] * out[2]];
                            windowTaps[l] = new int[9 * net.in[l][0]];
                            windowValues[l] = new float[9 * net.in[l][0]];
                        }
                        outs[l] = new Active(net.size(out));
                        Arrays.fill(outs[l].val, 1f);
                    }
                    case POOL -> {
                        pooled[l] = new float[net.size(out) + 1]; // + the slot of dropped inputs
                        outs[l] = new Active(net.size(out));
                    }
                    case READOUT -> { }
                }
            }
            int classes = model.spec().numClasses();
            readoutAcc = new float[classes];
            readoutSum = new float[classes];
            lastReadout = new float[classes];
            scores = new float[classes];
        }

        @Override
        public float[] step(float[] frame) {
            int expected = model.spec().input().size();
            if (frame.length != expected) {
                throw new IllegalArgumentException("frame has " + frame.length + " values, the model expects "
                        + expected + " (" + model.spec().input() + ")");
            }
            if (steps >= net.timesteps) {
                throw new IllegalStateException("the episode already ran T=" + net.timesteps + " steps; reset() first");
            }
            int t = steps;
            gatherFrame(frame);
            Active x = input;
            for (int l = 0; l < net.kinds.length; l++) {
                switch (net.kinds[l]) {
                    case CONV -> conv(l, t, x);
                    case POOL -> pool(l, x);
                    case DENSE -> dense(l, t, x);
                    case READOUT -> readout(l, x);
                }
                x = outs[l];
            }
            steps++;
            for (int k = 0; k < scores.length; k++) {
                scores[k] = readoutSum[k] / steps;
            }
            return scores;
        }

        /** The frame's non-zero values in (row, column, channel) order. */
        private void gatherFrame(float[] frame) {
            int c = net.in[0][0];
            int hw = net.in[0][1] * net.in[0][2];
            int n = 0;
            int[] idx = input.idx;
            float[] val = input.val;
            for (int p = 0; p < hw; p++) {
                for (int k = 0; k < c; k++) {
                    float v = frame[k * hw + p];
                    if (v != 0f) {
                        idx[n] = p * c + k;
                        val[n++] = v;
                    }
                }
            }
            input.count = n;
        }

        /**
         * Gathers, for each output position, the active inputs of its 3×3 window in the canonical
         * (row, column, channel) order into one pre-activation vector, four weight vectors per pass
         * (fewer passes over the vector than one scatter per input and tap), then runs the neuron
         * update of that position while the vector is in cache.
         */
        private void conv(int l, int t, Active x) {
            if ((long) x.count * 9 < (long) net.in[l][1] * net.in[l][2] * scatterBelow) {
                convScatter(l, t, x);
                return;
            }
            final int ci = net.in[l][0];
            final int h = net.in[l][1];
            final int w = net.in[l][2];
            final float[] z = gathered[l];
            final float[][] taps = wt[l];
            final int[] idx = x.idx;
            final float[] val = x.val;
            final int[] st = starts[l];
            final int[] key = keys[l];
            // st[p]..st[p+1]: the active inputs at map position p (the list is in position order);
            // key: the input's tap-0 weight vector in taps (input channel · 9)
            int e = 0;
            final int count = x.count;
            for (int p = 0, base = 0; p < h * w; p++, base += ci) {
                st[p] = e;
                for (int end = base + ci; e < count && idx[e] < end; e++) {
                    key[e] = (idx[e] - base) * 9;
                }
            }
            st[h * w] = count;
            final int co = z.length;
            final int[] wl = windowTaps[l];
            final float[] vl = windowValues[l];
            int n = 0;
            for (int oy = 0; oy < h; oy++) {
                int y0 = Math.max(0, oy - 1);
                int y1 = Math.min(h - 1, oy + 1);
                float[] row = acc[l][oy];
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
                    addWeighted(z, taps, wl, vl, k);
                    System.arraycopy(z, 0, row, ox * co, co);
                }
                n = fireRow(l, t, oy, n);
            }
            outs[l].count = n;
        }

        /**
         * Few inputs: scatters each active input's weight vectors into the pre-activation rows of the
         * up to nine outputs it feeds, cheaper than visiting every output's window. Inputs come in
         * ascending order, so every pre-activation still receives them in the canonical order.
         */
        private void convScatter(int l, int t, Active x) {
            final int ci = net.in[l][0];
            final int h = net.in[l][1];
            final int w = net.in[l][2];
            final int co = net.out[l][0];
            final float[][] cell = cells[l];
            final boolean[] hit = touched[l];
            final float[][] taps = wt[l];
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
                        add1(cell[op], taps[tapBase + ky * 3 + kx], v);
                        hit[op] = true;
                    }
                }
            }
            final float[][] rows = acc[l];
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
                n = fireRow(l, t, oy, n);
            }
            outs[l].count = n;
        }

        /**
         * The neuron pass over one output row of a spiking layer: leak, folded BN, threshold and reset
         * as same-index loops, then the row's spikes appended (ascending) to the layer's list from
         * {@code n}; the row's pre-activations are cleared. Returns the new count.
         */
        private int fireRow(int l, int t, int r, int n) {
            final float[] u = membrane[l][r];
            final float[] a = acc[l][r];
            final float[] sp = spikes[l][r];
            final float[] sc = rowScale[l][t];
            final float[] sh = rowShift[l][t];
            final float leak = net.leak;
            final float theta = net.theta;
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
            if (!listed[l]) {
                return n; // a pooling layer reads the spike rows
            }
            final int[] idx = outs[l].idx;
            final int base = r * u.length;
            for (int o = 0; o < sp.length; o++) {
                idx[n] = base + o;     // written always, kept only on a spike: no unpredictable branch
                n += (int) sp[o];      // 1 or 0 (NaN converts to 0): no branch either
            }
            return n;
        }

        /** The neuron pass of a fully connected spiking layer; lists its spikes and clears the pre-activations. */
        private void fireAll(int l, int t) {
            outs[l].count = fireRow(l, t, 0, 0);
        }

        private void pool(int l, Active x) {
            if (l > 0 && net.kinds[l - 1] == FoldedNetwork.Kind.CONV) {
                poolRows(l, spikes[l - 1]);
                return;
            }
            final float[] p = pooled[l];
            final int[] target = poolTarget[l];
            final int[] idx = x.idx;
            final float[] val = x.val;
            for (int e = 0; e < x.count; e++) {
                p[target[idx[e]]] += val[e] * 0.25f;
            }
            p[p.length - 1] = 0f;
            // collect in ascending order (the canonical order of the next layer's sums) and clear;
            // a scan of the small pooled map is cheaper than sorting the touched entries
            Active out = outs[l];
            final int[] oi = out.idx;
            final float[] ov = out.val;
            int n = 0;
            for (int k = 0; k < p.length - 1; k++) {
                float v = p[k];
                oi[n] = k;           // written always, kept only when non-zero: no unpredictable branch
                ov[n] = v;
                n += v != 0f ? 1 : 0;
                p[k] = 0f;
            }
            out.count = n;
        }

        /**
         * Pools a conv layer's spike rows with the reference's own expression (four quarter-values, row by
         * row) and lists the non-zero results in ascending order: one pass over the pooled map instead of
         * listing every spike, scattering it and scanning the map.
         */
        private void poolRows(int l, float[][] rows) {
            final int c = net.in[l][0];
            final int ho = net.out[l][1];
            final int wo = net.out[l][2];
            final Active out = outs[l];
            final int[] oi = out.idx;
            final float[] ov = out.val;
            int n = 0;
            for (int py = 0; py < ho; py++) {
                final float[] r0 = rows[2 * py];
                final float[] r1 = rows[2 * py + 1];
                for (int px = 0; px < wo; px++) {
                    final int a0 = 2 * px * c;
                    final int a1 = a0 + c;
                    final int base = (py * wo + px) * c;
                    for (int k = 0; k < c; k++) {
                        float v = ((r0[a0 + k] * 0.25f + r0[a1 + k] * 0.25f) + r1[a0 + k] * 0.25f) + r1[a1 + k] * 0.25f;
                        oi[n] = base + k;  // written always, kept only when positive: no unpredictable branch
                        ov[n] = v;
                        // spikes are 0 or 1, except NaN where the membrane is NaN (the reference: no spike);
                        // v > 0 skips both zero and NaN
                        n += v > 0f ? 1 : 0;
                    }
                }
            }
            out.count = n;
        }

        /** Adds the weight rows of the active inputs in order, four rows per pass over {@code a}. */
        private void scatterDense(int l, Active x, float[] a) {
            final float[][] rows = wt[l];
            final int count = x.count;
            final int[] idx = x.idx;
            final float[] val = x.val;
            int e = 0;
            for (; e + 4 <= count; e += 4) {
                add4(a, rows[idx[e]], val[e], rows[idx[e + 1]], val[e + 1], rows[idx[e + 2]], val[e + 2],
                        rows[idx[e + 3]], val[e + 3]);
            }
            switch (count - e) {
                case 3 -> add3(a, rows[idx[e]], val[e], rows[idx[e + 1]], val[e + 1], rows[idx[e + 2]], val[e + 2]);
                case 2 -> add2(a, rows[idx[e]], val[e], rows[idx[e + 1]], val[e + 1]);
                case 1 -> add1(a, rows[idx[e]], val[e]);
                default -> { }
            }
        }

        private void dense(int l, int t, Active x) {
            scatterDense(l, x, acc[l][0]);
            fireAll(l, t);
        }

        private void readout(int l, Active x) {
            float[] a = readoutAcc;
            scatterDense(l, x, a);
            for (int o = 0; o < a.length; o++) {
                float z = a[o];
                lastReadout[o] = z;
                readoutSum[o] += z;
                a[o] = 0f;
            }
        }

        @Override
        public int steps() {
            return steps;
        }

        @Override
        public void reset() {
            for (float[][] m : membrane) {
                if (m != null) {
                    for (float[] row : m) {
                        Arrays.fill(row, 0f);
                    }
                }
            }
            Arrays.fill(readoutSum, 0f);
            Arrays.fill(scores, 0f);
            steps = 0;
        }

        @Override
        public float[] scores() {
            return scores;
        }

        @Override
        public float[] membrane(int layer) {
            if (layer < 0 || layer >= membrane.length || membrane[layer] == null) {
                throw new IllegalArgumentException("layer " + layer + " is not a spiking layer");
            }
            float[][] m = membrane[layer];
            int c = net.out[layer][0];
            int w = net.out[layer][2];
            int hw = m.length * w;
            float[] chw = new float[hw * c];
            for (int y = 0; y < m.length; y++) {
                for (int x = 0; x < w; x++) {
                    for (int k = 0; k < c; k++) {
                        chw[k * hw + y * w + x] = m[y][x * c + k];
                    }
                }
            }
            return chw;
        }

        @Override
        public float[] layerOutput(int layer) {
            if (layer < 0 || layer >= net.kinds.length) {
                throw new IndexOutOfBoundsException("layer " + layer + " of " + net.kinds.length);
            }
            int[] shape = net.out[layer];
            float[] chw = new float[net.size(shape)];
            if (net.kinds[layer] == FoldedNetwork.Kind.READOUT) {
                System.arraycopy(lastReadout, 0, chw, 0, chw.length);
                return chw;
            }
            int c = shape[0];
            int hw = shape[1] * shape[2];
            if (spikes[layer] != null) {
                float[][] rows = spikes[layer];
                for (int y = 0; y < rows.length; y++) {
                    for (int p = 0; p < rows[y].length; p++) {
                        int x = p / c;
                        chw[(p - x * c) * hw + y * shape[2] + x] = rows[y][p] > 0f ? 1f : 0f; // NaN: no spike
                    }
                }
                return chw;
            }
            Active a = outs[layer];
            for (int e = 0; e < a.count; e++) {
                int j = a.idx[e];
                int pos = j / c;
                chw[(j - pos * c) * hw + pos] = a.val[e];
            }
            return chw;
        }
    }
}
