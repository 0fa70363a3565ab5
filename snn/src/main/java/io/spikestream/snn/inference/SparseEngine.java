package io.spikestream.snn.inference;

import io.spikestream.snn.BnntModel;
import java.util.Arrays;

/**
 * The event-driven engine (default for serving). Spikes are binary and sparse, so each layer only
 * does work for its active inputs: every non-zero input (a spike, a pooled spike fraction, a frame
 * count of any size) scatter-adds its weight column into the layer's pre-activations; then one pass
 * over the layer's neurons applies the leak, BN folded into a scale and shift per channel and step,
 * fires and resets, and lists the spikes for the next layer. Pooling scatters spikes into the pooled map.
 *
 * <p>Pre-activations and membranes are stored as one small array per map position holding all
 * channels, and weights as one array per (input channel, tap) of all output channels, or per input of
 * a fully connected layer. Every scatter is then {@code acc[o] += v·w[o]} over two arrays indexed
 * alike, the loop shape HotSpot's C2 vectorizes (offset-shifted array pairs it does not).
 *
 * <p>Active inputs are always listed in ascending (row, column, channel) order, so every
 * pre-activation receives its contributions in the canonical order of {@link DenseReferenceEngine};
 * skipped zero inputs would have added nothing, and the neuron update is the same arithmetic. The two
 * engines therefore agree bit for bit.
 */
public final class SparseEngine implements InferenceEngine {
    private final BnntModel model;
    private final FoldedNetwork net;
    /** conv: [in channel · 9 + ky · 3 + kx][out]; dense/readout: [input in (row, column, channel) order][out]. */
    private final float[][][] wt;

    public SparseEngine(BnntModel model) {
        this.model = model;
        this.net = new FoldedNetwork(model);
        int n = net.kinds.length;
        wt = new float[n][][];
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
        boolean binary;

        Active(int capacity) {
            idx = new int[capacity];
            val = new float[capacity];
        }
    }

    private final class SparseSession implements InspectableSession {
        private final Active input;
        private final Active[] outs;
        /** Spiking layers: [position][channel] (dense layers: one position). */
        private final float[][][] acc;
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
            for (int l = 0; l < n; l++) {
                int[] out = net.out[l];
                switch (net.kinds[l]) {
                    case CONV, DENSE -> {
                        acc[l] = new float[out[1] * out[2]][out[0]];
                        membrane[l] = new float[out[1] * out[2]][out[0]];
                        outs[l] = new Active(net.size(out));
                        outs[l].binary = true;
                        Arrays.fill(outs[l].val, 1f);
                    }
                    case POOL -> {
                        pooled[l] = new float[net.size(out)];
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
            boolean binary = true;
            int[] idx = input.idx;
            float[] val = input.val;
            for (int p = 0; p < hw; p++) {
                for (int k = 0; k < c; k++) {
                    float v = frame[k * hw + p];
                    if (v != 0f) {
                        idx[n] = p * c + k;
                        val[n++] = v;
                        binary &= v == 1f;
                    }
                }
            }
            input.count = n;
            input.binary = binary;
        }

        private void conv(int l, int t, Active x) {
            final int ci = net.in[l][0];
            final int h = net.in[l][1];
            final int w = net.in[l][2];
            final float[][] a = acc[l];
            final float[][] taps = wt[l];
            final int count = x.count;
            final int[] idx = x.idx;
            final float[] val = x.val;
            final boolean binary = x.binary;
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
                        float[] ap = a[oy * w + ox];
                        float[] wp = taps[tapBase + ky * 3 + kx];
                        if (binary) {
                            for (int o = 0; o < ap.length; o++) {
                                ap[o] += wp[o];
                            }
                        } else {
                            for (int o = 0; o < ap.length; o++) {
                                ap[o] += v * wp[o];
                            }
                        }
                    }
                }
            }
            fireAll(l, t);
        }

        /** The neuron pass over a spiking layer; lists its spikes (ascending) and clears the pre-activations. */
        private void fireAll(int l, int t) {
            final float[][] a = acc[l];
            final float[][] u = membrane[l];
            final float[] sc = net.scale[l][t];
            final float[] sh = net.shift[l][t];
            final float leak = net.leak;
            final float theta = net.theta;
            final int[] idx = outs[l].idx;
            int n = 0;
            int i = 0;
            for (int p = 0; p < a.length; p++) {
                float[] ap = a[p];
                float[] up = u[p];
                // the leak and BN update as a same-index loop (vectorized), then the threshold pass
                FoldedNetwork.integrate(up, ap, sc, sh, leak);
                for (int o = 0; o < up.length; o++, i++) {
                    boolean spike = FoldedNetwork.fireIntegrated(up, o, theta);
                    idx[n] = i;          // written always, kept only on a spike: no unpredictable branch
                    n += spike ? 1 : 0;
                }
            }
            outs[l].count = n;
        }

        private void pool(int l, Active x) {
            int c = net.in[l][0];
            int w = net.in[l][2];
            int ho = net.out[l][1];
            int wo = net.out[l][2];
            float[] p = pooled[l];
            for (int e = 0; e < x.count; e++) {
                int j = x.idx[e];
                int pos = j / c;
                int ch = j - pos * c;
                int oy = (pos / w) >> 1;
                int ox = (pos % w) >> 1;
                if (oy >= ho || ox >= wo) {
                    continue; // the odd last row/column that floor pooling drops
                }
                int k = (oy * wo + ox) * c + ch;
                p[k] += x.val[e] * 0.25f;
            }
            // collect in ascending order (the canonical order of the next layer's sums) and clear;
            // a scan of the small pooled map is cheaper than sorting the touched entries
            Active out = outs[l];
            int n = 0;
            boolean binary = true;
            for (int k = 0; k < p.length; k++) {
                float v = p[k];
                if (v != 0f) {
                    out.idx[n] = k;
                    out.val[n++] = v;
                    binary &= v == 1f;
                    p[k] = 0f;
                }
            }
            out.count = n;
            out.binary = binary;
        }

        private void scatterDense(int l, Active x, float[] a) {
            final float[][] rows = wt[l];
            final int count = x.count;
            final int[] idx = x.idx;
            final float[] val = x.val;
            if (x.binary) {
                for (int e = 0; e < count; e++) {
                    float[] wr = rows[idx[e]];
                    for (int o = 0; o < a.length; o++) {
                        a[o] += wr[o];
                    }
                }
            } else {
                for (int e = 0; e < count; e++) {
                    float[] wr = rows[idx[e]];
                    float v = val[e];
                    for (int o = 0; o < a.length; o++) {
                        a[o] += v * wr[o];
                    }
                }
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
            float[] chw = new float[m.length * c];
            for (int pos = 0; pos < m.length; pos++) {
                for (int k = 0; k < c; k++) {
                    chw[k * m.length + pos] = m[pos][k];
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
