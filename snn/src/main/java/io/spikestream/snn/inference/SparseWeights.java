package io.spikestream.snn.inference;

import io.spikestream.snn.BnntModel;

/**
 * The model's parameters laid out for the sparse engine, computed once and shared (read-only) by all
 * its sessions: weight vectors per input, the folded BN per output row, and the pooling targets.
 */
final class SparseWeights {
    /** conv: [in channel · 9 + ky · 3 + kx][out]; dense/readout: [input in (row, column, channel) order][out]. */
    final float[][][] wt;
    /**
     * Spiking layers: the folded BN scale and shift of each step repeated over one output row
     * ({@code [t][column · channels + channel]}), so the neuron pass over a row is one same-index loop.
     */
    final float[][][] rowScale;
    final float[][][] rowShift;
    /**
     * Pooling layers: for each input index in (row, column, channel) order the pooled index it adds
     * to, or the pooled map's size (a slot that is discarded) for the odd last row or column that
     * floor pooling drops; saves three integer divisions per spike.
     */
    final int[][] poolTarget;

    SparseWeights(BnntModel model, FoldedNetwork net) {
        int n = net.kinds.length;
        wt = new float[n][][];
        rowScale = new float[n][][];
        rowShift = new float[n][][];
        poolTarget = new int[n][];
        for (int l = 0; l < n; l++) {
            if (net.kinds[l] == FoldedNetwork.Kind.POOL) {
                poolTarget[l] = poolTargets(net.in[l], net.out[l]);
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
            switch (net.kinds[l]) {
                case CONV -> wt[l] = convTaps(model.params().weight(l), net.in[l][0], net.out[l][0]);
                case DENSE, READOUT -> wt[l] = denseRows(model.params().weight(l), net.in[l], net.out[l][0]);
                case POOL -> wt[l] = null;
            }
        }
    }

    private static int[] poolTargets(int[] in, int[] out) {
        int c = in[0];
        int h = in[1];
        int w = in[2];
        int ho = out[1];
        int wo = out[2];
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
        return target;
    }

    /** [out][in][3][3] → one vector over the output channels per (input channel, tap). */
    private static float[][] convTaps(float[] w, int ci, int co) {
        float[][] t = new float[ci * 9][co];
        for (int o = 0; o < co; o++) {
            for (int c = 0; c < ci; c++) {
                for (int k = 0; k < 9; k++) {
                    t[c * 9 + k][o] = w[(o * ci + c) * 9 + k];
                }
            }
        }
        return t;
    }

    /** [out][in in (channel, row, column) order] → one row over the outputs per input in (row, column, channel) order. */
    private static float[][] denseRows(float[] w, int[] in, int nOut) {
        int ci = in[0];
        int h = in[1];
        int wd = in[2];
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
        return t;
    }
}
