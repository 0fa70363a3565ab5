package io.spikestream.snn.inference;

import io.spikestream.snn.BnntModel;
import java.util.Arrays;

/**
 * The reference forward pass: plain Java, every neuron computed at every step, activations in
 * {@code [C][H][W]} order, one time step at a time with explicit membrane state.
 *
 * <p>Float arithmetic in a canonical order: each convolution or fully connected sum starts at 0 and
 * adds {@code input × weight} over its inputs in ascending (row, column, channel) order; pooling adds
 * the four quarter-values row by row. Adding a zero input's product changes no float sum, so an engine
 * that skips zero inputs but keeps this order ({@link SparseEngine}) gets bit-identical results.
 * Slow; it exists to check the others.
 */
public final class DenseReferenceEngine implements InferenceEngine {
    private final BnntModel model;
    private final FoldedNetwork net;
    private final float[][] weights;

    public DenseReferenceEngine(BnntModel model) {
        this.model = model;
        this.net = new FoldedNetwork(model);
        int n = model.spec().layers().size();
        weights = new float[n][];
        for (int l : model.spec().weightedLayers()) {
            weights[l] = model.params().weight(l).clone();
        }
    }

    @Override
    public BnntModel model() {
        return model;
    }

    @Override
    public InspectableSession newSession() {
        return new DenseSession();
    }

    private final class DenseSession implements InspectableSession {
        private final float[][] act;       // output of each layer (spikes, pooled spikes or dense spikes)
        private final float[][] membrane;  // spiking layers only
        private final float[] readoutSum;
        private final float[] scores;
        private int steps;

        DenseSession() {
            int n = net.kinds.length;
            act = new float[n][];
            membrane = new float[n][];
            for (int l = 0; l < n; l++) {
                act[l] = new float[net.size(net.out[l])];
                if (net.kinds[l] == FoldedNetwork.Kind.CONV || net.kinds[l] == FoldedNetwork.Kind.DENSE) {
                    membrane[l] = new float[act[l].length];
                }
            }
            readoutSum = new float[model.spec().numClasses()];
            scores = new float[readoutSum.length];
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
            float[] x = frame;
            for (int l = 0; l < net.kinds.length; l++) {
                switch (net.kinds[l]) {
                    case CONV -> conv(l, t, x);
                    case POOL -> pool(l, x);
                    case DENSE -> dense(l, t, x);
                    case READOUT -> readout(l, x);
                }
                x = act[l];
            }
            steps++;
            for (int k = 0; k < scores.length; k++) {
                scores[k] = readoutSum[k] / steps;
            }
            return scores;
        }

        private void conv(int l, int t, float[] x) {
            int ci = net.in[l][0];
            int h = net.in[l][1];
            int w = net.in[l][2];
            int co = net.out[l][0];
            float[] wt = weights[l];
            float[] u = membrane[l];
            float[] s = act[l];
            float[] sc = net.scale[l][t];
            float[] sh = net.shift[l][t];
            for (int o = 0; o < co; o++) {
                for (int oy = 0; oy < h; oy++) {
                    for (int ox = 0; ox < w; ox++) {
                        float sum = 0f;
                        for (int iy = Math.max(0, oy - 1); iy <= Math.min(h - 1, oy + 1); iy++) {
                            for (int ix = Math.max(0, ox - 1); ix <= Math.min(w - 1, ox + 1); ix++) {
                                int tap = (iy - oy + 1) * 3 + (ix - ox + 1);
                                for (int c = 0; c < ci; c++) {
                                    sum += x[(c * h + iy) * w + ix] * wt[(o * ci + c) * 9 + tap];
                                }
                            }
                        }
                        int i = (o * h + oy) * w + ox;
                        s[i] = FoldedNetwork.fire(u, i, sum, sc[o], sh[o], net.leak, net.theta) ? 1f : 0f;
                    }
                }
            }
        }

        private void pool(int l, float[] x) {
            int c = net.in[l][0];
            int h = net.in[l][1];
            int w = net.in[l][2];
            int ho = net.out[l][1];
            int wo = net.out[l][2];
            float[] y = act[l];
            for (int k = 0; k < c; k++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        int base = (k * h + 2 * oy) * w + 2 * ox;
                        y[(k * ho + oy) * wo + ox] =
                                ((x[base] * 0.25f + x[base + 1] * 0.25f) + x[base + w] * 0.25f) + x[base + w + 1] * 0.25f;
                    }
                }
            }
        }

        private void dense(int l, int t, float[] x) {
            float[] u = membrane[l];
            float[] s = act[l];
            float[] sc = net.scale[l][t];
            float[] sh = net.shift[l][t];
            for (int o = 0; o < s.length; o++) {
                s[o] = FoldedNetwork.fire(u, o, matvecRow(l, x, o), sc[o], sh[o], net.leak, net.theta) ? 1f : 0f;
            }
        }

        private void readout(int l, float[] x) {
            for (int o = 0; o < readoutSum.length; o++) {
                float z = matvecRow(l, x, o);
                act[l][o] = z;
                readoutSum[o] += z;
            }
        }

        /** Row {@code o} of W·x, the input {@code [C][H][W]} taken in (row, column, channel) order. */
        private float matvecRow(int l, float[] x, int o) {
            int c = net.in[l][0];
            int hw = net.in[l][1] * net.in[l][2];
            float[] wt = weights[l];
            int row = o * x.length;
            float sum = 0f;
            for (int p = 0; p < hw; p++) {
                for (int k = 0; k < c; k++) {
                    int i = k * hw + p;
                    sum += x[i] * wt[row + i];
                }
            }
            return sum;
        }

        @Override
        public int steps() {
            return steps;
        }

        @Override
        public void reset() {
            for (float[] m : membrane) {
                if (m != null) {
                    Arrays.fill(m, 0f);
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
            return membrane[layer].clone();
        }

        @Override
        public float[] layerOutput(int layer) {
            if (layer < 0 || layer >= act.length) {
                throw new IndexOutOfBoundsException("layer " + layer + " of " + act.length);
            }
            return act[layer].clone();
        }
    }
}
