package io.spikestream.snn.inference;

import io.spikestream.snn.BnntModel;
import java.util.Arrays;

/**
 * The event-driven engine (default for serving). Spikes are binary and sparse, so each layer only
 * does work for its active inputs (a spike, a pooled spike fraction, a frame count of any size), listed
 * in ascending (row, column, channel) order:
 *
 * <ul>
 *   <li>conv, many inputs: for each output position, the active inputs of its 3×3 window are gathered
 *       in that order and their weight vectors (all output channels) added to one pre-activation
 *       vector, four per pass ({@link #add4}); few inputs (under {@code scatterBelow} contributions per
 *       output on average): each input scatters its nine weight vectors instead;
 *   <li>fully connected: the weight rows of the active inputs, four per pass;
 *   <li>then per output row one pass applies the leak, BN folded into a scale and shift per channel and
 *       step (repeated over the row), the threshold and the reset, branch-free, and lists the spikes;
 *   <li>pooling adds each input's quarter to the pooled index looked up in a table.
 * </ul>
 *
 * <p>Vectors are whole arrays indexed alike ({@code a[o] += v·w[o]}, weights as one array per (input
 * channel, tap) or per input): the loop shape HotSpot's C2 vectorizes; offset-shifted array pairs it
 * does not, and loops over one position's 32–64 channels cost mostly their fixed overhead, hence the
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

    static void add1(float[] a, float[] w, float v) {
        for (int o = 0; o < a.length; o++) {
            a[o] += v * w[o];
        }
    }

    private final class SparseSession implements InspectableSession {
        /** Up to four gathered contributions not yet added: weight vector (index into the layer's) and input value. */
        private final int[] pendingW = new int[4];
        private final float[] pendingV = new float[4];
        /** conv layers: start of each input position's entries in the active list, and the end. */
        private final int[][] starts;
        private final Active input;
        private final Active[] outs;
        /** Spiking layers: [output row][column · channels + channel] (dense layers: one row). */
        private final float[][][] acc;
        /** Conv layers: one position's pre-activations while they are gathered. */
        private final float[][] gathered;
        private final float[][][] membrane;
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
            pooled = new float[n][];
            starts = new int[n][];
            gathered = new float[n][];
            for (int l = 0; l < n; l++) {
                int[] out = net.out[l];
                switch (net.kinds[l]) {
                    case CONV, DENSE -> {
                        acc[l] = new float[out[1]][out[2] * out[0]];
                        membrane[l] = new float[out[1]][out[2] * out[0]];
                        if (net.kinds[l] == FoldedNetwork.Kind.CONV) {
                            starts[l] = new int[net.in[l][1] * net.in[l][2] + 1];
                            gathered[l] = new float[out[0]];
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
            // st[p]..st[p+1]: the active inputs at map position p (the list is in position order)
            int e = 0;
            final int count = x.count;
            for (int p = 0, end = ci; p < h * w; p++, end += ci) {
                st[p] = e;
                while (e < count && idx[e] < end) {
                    e++;
                }
            }
            st[h * w] = count;
            final int co = z.length;
            final int[] pw = pendingW;
            final float[] pv = pendingV;
            int n = 0;
            for (int oy = 0; oy < h; oy++) {
                int y0 = Math.max(0, oy - 1);
                int y1 = Math.min(h - 1, oy + 1);
                float[] row = acc[l][oy];
                for (int ox = 0; ox < w; ox++) {
                    int x0 = Math.max(0, ox - 1);
                    int x1 = Math.min(w - 1, ox + 1);
                    int k = 0;
                    boolean any = false;
                    for (int iy = y0; iy <= y1; iy++) {
                        int tapRow = (iy - oy + 1) * 3 - ox + 1;
                        for (int ix = x0; ix <= x1; ix++) {
                            int ip = iy * w + ix;
                            int tap = tapRow + ix;
                            int base = ip * ci;
                            for (int a = st[ip], b = st[ip + 1]; a < b; a++) {
                                pw[k] = (idx[a] - base) * 9 + tap;
                                pv[k++] = val[a];
                                if (k == 4) {
                                    add4(z, taps[pw[0]], pv[0], taps[pw[1]], pv[1], taps[pw[2]], pv[2], taps[pw[3]], pv[3]);
                                    k = 0;
                                    any = true;
                                }
                            }
                        }
                    }
                    for (int r = 0; r < k; r++) {
                        add1(z, taps[pw[r]], pv[r]);
                    }
                    if (any || k > 0) {
                        // a position without active inputs keeps its zeros
                        System.arraycopy(z, 0, row, ox * co, co);
                        Arrays.fill(z, 0f);
                    }
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
            final float[][] rows = acc[l];
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
                    float[] row = rows[oy];
                    for (int kx = 0; kx < 3; kx++) {
                        int ox = xx - kx + 1;
                        if (ox < 0 || ox >= w) {
                            continue;
                        }
                        float[] wp = taps[tapBase + ky * 3 + kx];
                        int off = ox * co;
                        for (int o = 0; o < co; o++) {
                            row[off + o] += v * wp[o];
                        }
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
            final float[] sc = rowScale[l][t];
            final float[] sh = rowShift[l][t];
            final float leak = net.leak;
            final float theta = net.theta;
            final int[] idx = outs[l].idx;
            final int base = r * u.length;
            if (theta == 1f) {
                // spike ⇔ v > 1: v − 1 is then at least 2⁻²³ (the float after 1), so s is exactly 1,
                // otherwise v − 1 ≤ 0 and s is 0 (NaN stays NaN: no spike, as v > 1 is false);
                // v − s is the reset by subtraction, and v − 0 = v. Branch-free, so it vectorizes.
                for (int o = 0; o < u.length; o++) {
                    float v = leak * u[o] + (a[o] * sc[o] + sh[o]);
                    float s = Math.min(Math.max((v - 1f) * 0x1p24f, 0f), 1f);
                    u[o] = v - s;
                    a[o] = s;
                }
                for (int o = 0; o < a.length; o++) {
                    float s = a[o];
                    a[o] = 0f;
                    idx[n] = base + o;   // written always, kept only on a spike: no unpredictable branch
                    n += (int) s;        // 1 or 0 (NaN converts to 0): no branch either
                }
            } else {
                FoldedNetwork.integrate(u, a, sc, sh, leak);
                for (int o = 0; o < u.length; o++) {
                    boolean spike = FoldedNetwork.fireIntegrated(u, o, theta);
                    idx[n] = base + o;
                    n += spike ? 1 : 0;
                }
            }
            return n;
        }

        /** The neuron pass of a fully connected spiking layer; lists its spikes and clears the pre-activations. */
        private void fireAll(int l, int t) {
            outs[l].count = fireRow(l, t, 0, 0);
        }

        private void pool(int l, Active x) {
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
            for (; e < count; e++) {
                add1(a, rows[idx[e]], val[e]);
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
            Active a = outs[layer];
            int c = shape[0];
            int hw = shape[1] * shape[2];
            for (int e = 0; e < a.count; e++) {
                int j = a.idx[e];
                int pos = j / c;
                chw[(j - pos * c) * hw + pos] = a.val[e];
            }
            return chw;
        }
    }
}
