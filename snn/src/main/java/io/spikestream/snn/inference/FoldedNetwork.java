package io.spikestream.snn.inference;

import io.spikestream.snn.AvgPool2;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.Conv3x3;
import io.spikestream.snn.Dense;
import io.spikestream.snn.Layer;
import io.spikestream.snn.ModelSpec;

/**
 * What both engines share, so that they compute bit-identical neuron updates: BN folded into a scale
 * and shift per layer, time step and channel, and the leaky integrate-and-fire update itself.
 */
final class FoldedNetwork {
    enum Kind { CONV, POOL, DENSE, READOUT }

    final ModelSpec spec;
    final Kind[] kinds;
    /** Input and output shapes {C, H, W} (dense: {units, 1, 1}). */
    final int[][] in;
    final int[][] out;
    /** [layer][t][channel]; null for pooling and the readout. */
    final float[][][] scale;
    final float[][][] shift;
    final float leak;
    final float theta;
    final int timesteps;

    FoldedNetwork(BnntModel model) {
        spec = model.spec();
        BnntParams p = model.params();
        int n = spec.layers().size();
        kinds = new Kind[n];
        in = new int[n][];
        out = new int[n][];
        scale = new float[n][][];
        shift = new float[n][][];
        leak = spec.leak();
        theta = spec.threshold();
        timesteps = spec.timesteps();
        for (int l = 0; l < n; l++) {
            Layer layer = spec.layers().get(l);
            in[l] = chw(spec.inputShape(l));
            out[l] = chw(spec.outputShape(l));
            if (layer instanceof Conv3x3) {
                kinds[l] = Kind.CONV;
            } else if (layer instanceof AvgPool2) {
                kinds[l] = Kind.POOL;
            } else if (layer instanceof Dense) {
                kinds[l] = l == spec.readoutIndex() ? Kind.READOUT : Kind.DENSE;
            }
            if (spec.spiking(l)) {
                int c = spec.outputChannels(l);
                scale[l] = new float[timesteps][c];
                shift[l] = new float[timesteps][c];
                for (int t = 0; t < timesteps; t++) {
                    float[] g = p.gamma(l, t);
                    float[] mean = p.runningMean(l, t);
                    float[] var = p.runningVar(l, t);
                    for (int k = 0; k < c; k++) {
                        // eval-mode BN without β: (z − mean)·γ/√(var+eps) = z·scale + shift
                        float inv = (float) (1.0 / Math.sqrt((double) var[k] + (double) spec.bnEps()));
                        scale[l][t][k] = g[k] * inv;
                        shift[l][t][k] = -mean[k] * scale[l][t][k];
                    }
                }
            }
        }
    }

    private static int[] chw(int[] shape) {
        return shape.length == 3 ? shape : new int[] {shape[0], 1, 1};
    }

    int size(int[] shape) {
        return shape[0] * shape[1] * shape[2];
    }

    /**
     * One neuron's step: {@code U = λU + (z·scale + shift)}; spike when {@code U/θ − 1 > 0} (as the
     * reference's {@code mem_thr > 0}); reset by subtraction. Returns the spike.
     */
    static boolean fire(float[] u, int i, float z, float scale, float shift, float leak, float theta) {
        u[i] = leak * u[i] + (z * scale + shift);
        return fireIntegrated(u, i, theta);
    }

    /**
     * The first half of {@link #fire} for a whole channel vector: {@code u[o] = λ·u[o] + (z[o]·scale[o] +
     * shift[o])}, and {@code z} cleared (same arithmetic, so results are identical).
     */
    static void integrate(float[] u, float[] z, float[] scale, float[] shift, float leak) {
        for (int o = 0; o < u.length; o++) {
            u[o] = leak * u[o] + (z[o] * scale[o] + shift[o]);
            z[o] = 0f;
        }
    }

    /** The second half of {@link #fire}: threshold and reset of an integrated membrane. */
    static boolean fireIntegrated(float[] u, int i, float theta) {
        float v = u[i];
        // for θ = 1, v/θ − 1 > 0 is exactly v > 1 (no rounding either way); skip the division
        boolean spike = theta == 1f ? v > 1f : v / theta - 1f > 0f;
        u[i] = spike ? v - theta : v;
        return spike;
    }
}
