package io.spikestream.snn.inference;

import java.util.Arrays;

/**
 * One episode of the {@link SparseEngine}: every layer's state and scratch, sized once, so a step
 * allocates nothing. A step lists the frame's non-zero values, then each layer turns its input list
 * into its output (a list, or the spike rows a pooling layer reads). Not thread-safe.
 */
final class SparseSession implements InspectableSession {
    private final FoldedNetwork net;
    private final SparseWeights weights;
    private final int frameSize;
    private final ActiveList input;
    /** Per layer: its conv, pooling or neurons (conv and fully connected layers); null where not that kind. */
    private final SparseConv[] convs;
    private final SparsePool[] pools;
    private final SpikingRows[] neurons;
    private final float[] readoutAcc;
    private final float[] readoutSum;
    private final float[] lastReadout;
    private final float[] scores;
    private int steps;

    SparseSession(FoldedNetwork net, SparseWeights weights, int scatterBelow) {
        this.net = net;
        this.weights = weights;
        this.frameSize = net.spec.input().size();
        int n = net.kinds.length;
        input = new ActiveList(frameSize);
        convs = new SparseConv[n];
        pools = new SparsePool[n];
        neurons = new SpikingRows[n];
        for (int l = 0; l < n; l++) {
            int[] out = net.out[l];
            switch (net.kinds[l]) {
                case CONV, DENSE -> {
                    boolean pooledNext = net.kinds[l] == FoldedNetwork.Kind.CONV && l + 1 < n
                            && net.kinds[l + 1] == FoldedNetwork.Kind.POOL;
                    neurons[l] = new SpikingRows(out[1], out[2] * out[0], !pooledNext, weights.rowScale[l],
                            weights.rowShift[l], net.leak, net.theta);
                    if (net.kinds[l] == FoldedNetwork.Kind.CONV) {
                        convs[l] = new SparseConv(net.in[l], out, weights.wt[l], scatterBelow, neurons[l]);
                    }
                }
                case POOL -> pools[l] = new SparsePool(net.in[l], out, weights.poolTarget[l]);
                case READOUT -> { }
            }
        }
        int classes = net.spec.numClasses();
        readoutAcc = new float[classes];
        readoutSum = new float[classes];
        lastReadout = new float[classes];
        scores = new float[classes];
    }

    @Override
    public float[] step(float[] frame) {
        if (frame.length != frameSize) {
            throw new IllegalArgumentException("frame has " + frame.length + " values, the model expects "
                    + frameSize + " (" + net.spec.input() + ")");
        }
        if (steps >= net.timesteps) {
            throw new IllegalStateException("the episode already ran T=" + net.timesteps + " steps; reset() first");
        }
        int t = steps;
        listFrame(frame);
        ActiveList x = input;
        for (int l = 0; l < net.kinds.length; l++) {
            switch (net.kinds[l]) {
                case CONV -> {
                    convs[l].step(t, x);
                    x = neurons[l].out;
                }
                case POOL -> {
                    if (l > 0 && net.kinds[l - 1] == FoldedNetwork.Kind.CONV) {
                        pools[l].poolRows(neurons[l - 1].spikes);
                    } else {
                        pools[l].pool(x);
                    }
                    x = pools[l].out;
                }
                case DENSE -> {
                    SpikingRows d = neurons[l];
                    VectorOps.addRows(d.acc[0], weights.wt[l], x.idx, x.val, x.count);
                    d.fireAll(t);
                    x = d.out;
                }
                case READOUT -> readout(l, x);
            }
        }
        steps++;
        for (int k = 0; k < scores.length; k++) {
            scores[k] = readoutSum[k] / steps;
        }
        return scores;
    }

    /** The frame's non-zero values in (row, column, channel) order. */
    private void listFrame(float[] frame) {
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

    private void readout(int l, ActiveList x) {
        float[] a = readoutAcc;
        VectorOps.addRows(a, weights.wt[l], x.idx, x.val, x.count);
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
        for (SpikingRows s : neurons) {
            if (s != null) {
                s.reset();
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
        if (layer < 0 || layer >= neurons.length || neurons[layer] == null) {
            throw new IllegalArgumentException("layer " + layer + " is not a spiking layer");
        }
        float[][] m = neurons[layer].membrane;
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
        if (neurons[layer] != null) {
            float[][] rows = neurons[layer].spikes;
            for (int y = 0; y < rows.length; y++) {
                for (int p = 0; p < rows[y].length; p++) {
                    int x = p / c;
                    chw[(p - x * c) * hw + y * shape[2] + x] = rows[y][p] > 0f ? 1f : 0f; // NaN: no spike
                }
            }
            return chw;
        }
        ActiveList a = pools[layer].out;
        for (int e = 0; e < a.count; e++) {
            int j = a.idx[e];
            int pos = j / c;
            chw[(j - pos * c) * hw + pos] = a.val[e];
        }
        return chw;
    }
}
