package io.spikestream.snn.inference;

import io.spikestream.snn.BnntModel;
import java.util.Arrays;

/**
 * The reference forward pass: plain Java, every neuron computed at every step, activations in
 * {@code [C][H][W]} order, one time step at a time with explicit membrane state. Convolution and
 * fully connected sums accumulate in double and round once to float, so that any summation order
 * (e.g. {@link SparseEngine}'s) gives the same float. Slow; it exists to check the others.
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
                        double sum = 0;
                        for (int c = 0; c < ci; c++) {
                            for (int ky = 0; ky < 3; ky++) {
                                int iy = oy + ky - 1;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                for (int kx = 0; kx < 3; kx++) {
                                    int ix = ox + kx - 1;
                                    if (ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    sum += (double) x[(c * h + iy) * w + ix] * wt[((o * ci + c) * 3 + ky) * 3 + kx];
                                }
                            }
                        }
                        int i = (o * h + oy) * w + ox;
                        s[i] = FoldedNetwork.fire(u, i, (float) sum, sc[o], sh[o], net.leak, net.theta) ? 1f : 0f;
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
                        y[(k * ho + oy) * wo + ox] = (x[base] + x[base + 1] + x[base + w] + x[base + w + 1]) * 0.25f;
                    }
                }
            }
        }

        private void dense(int l, int t, float[] x) {
            int nIn = x.length;
            int nOut = act[l].length;
            float[] wt = weights[l];
            float[] u = membrane[l];
            float[] s = act[l];
            float[] sc = net.scale[l][t];
            float[] sh = net.shift[l][t];
            for (int o = 0; o < nOut; o++) {
                double sum = 0;
                int row = o * nIn;
                for (int i = 0; i < nIn; i++) {
                    sum += (double) x[i] * wt[row + i];
                }
                s[o] = FoldedNetwork.fire(u, o, (float) sum, sc[o], sh[o], net.leak, net.theta) ? 1f : 0f;
            }
        }

        private void readout(int l, float[] x) {
            int nIn = x.length;
            float[] wt = weights[l];
            for (int o = 0; o < readoutSum.length; o++) {
                double sum = 0;
                int row = o * nIn;
                for (int i = 0; i < nIn; i++) {
                    sum += (double) x[i] * wt[row + i];
                }
                act[l][o] = (float) sum;
                readoutSum[o] += (float) sum;
            }
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
