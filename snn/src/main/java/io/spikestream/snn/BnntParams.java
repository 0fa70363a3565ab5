package io.spikestream.snn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The learned parameters of a BNTT network: per weighted layer its weights and, for every spiking
 * layer, BNTT's γ and running mean/variance for each time step (no β, as in the reference).
 *
 * <p>The arrays returned by the accessors are the live storage: the trainer updates them in place;
 * inference engines copy what they need when they are built. Layer indices are indices into
 * {@link ModelSpec#layers()}.
 */
public final class BnntParams {
    private final ModelSpec spec;
    private final float[][] weights;       // [layer][...] (null for pooling)
    private final float[][][] gammas;      // [layer][t][out] (null for pooling and readout)
    private final float[][][] means;
    private final float[][][] vars;

    /** Zero weights, γ = 1, running mean 0, running variance 1 (PyTorch's BatchNorm defaults). */
    public BnntParams(ModelSpec spec) {
        this.spec = spec;
        int n = spec.layers().size();
        weights = new float[n][];
        gammas = new float[n][][];
        means = new float[n][][];
        vars = new float[n][][];
        for (int l : spec.weightedLayers()) {
            weights[l] = new float[ModelSpec.product(spec.weightShape(l))];
            if (spec.spiking(l)) {
                int out = spec.outputChannels(l);
                gammas[l] = new float[spec.timesteps()][out];
                means[l] = new float[spec.timesteps()][out];
                vars[l] = new float[spec.timesteps()][out];
                for (int t = 0; t < spec.timesteps(); t++) {
                    Arrays.fill(gammas[l][t], 1f);
                    Arrays.fill(vars[l][t], 1f);
                }
            }
        }
    }

    /**
     * The reference initialisation: weights Xavier uniform with gain 2
     * ({@code U(-b, b)}, {@code b = 2·sqrt(6 / (fan_in + fan_out))}, fans including the 3×3 receptive
     * field for convolutions), γ = 1, running mean 0, running variance 1. Deterministic for a seed.
     */
    public static BnntParams init(ModelSpec spec, long seed) {
        BnntParams p = new BnntParams(spec);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int l : spec.weightedLayers()) {
            int[] ws = spec.weightShape(l);
            int receptive = ws.length == 4 ? ws[2] * ws[3] : 1;
            double fanIn = (double) ws[1] * receptive;
            double fanOut = (double) ws[0] * receptive;
            double bound = 2.0 * Math.sqrt(6.0 / (fanIn + fanOut));
            float[] w = p.weights[l];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
        }
        return p;
    }

    public ModelSpec spec() {
        return spec;
    }

    /** Weights of a weighted layer, row-major: conv {@code [out][in][3][3]}, dense {@code [out][in]}. Live. */
    public float[] weight(int layer) {
        float[] w = weights[checkLayer(layer)];
        if (w == null) {
            throw new IllegalArgumentException("layer " + layer + " (" + spec.layers().get(layer).token()
                    + ") has no weights");
        }
        return w;
    }

    /** BNTT γ of spiking layer {@code layer} at time step {@code t} (0-based), one per output channel/unit. Live. */
    public float[] gamma(int layer, int t) {
        return bn(gammas, layer, t);
    }

    /** BNTT running mean at step {@code t}. Live. */
    public float[] runningMean(int layer, int t) {
        return bn(means, layer, t);
    }

    /** BNTT running variance at step {@code t}. Live. */
    public float[] runningVar(int layer, int t) {
        return bn(vars, layer, t);
    }

    /** A deep copy (e.g. to keep the best epoch's parameters while training goes on). */
    public BnntParams copy() {
        BnntParams c = new BnntParams(spec);
        for (int l : spec.weightedLayers()) {
            System.arraycopy(weights[l], 0, c.weights[l], 0, weights[l].length);
            if (gammas[l] != null) {
                for (int t = 0; t < spec.timesteps(); t++) {
                    System.arraycopy(gammas[l][t], 0, c.gammas[l][t], 0, gammas[l][t].length);
                    System.arraycopy(means[l][t], 0, c.means[l][t], 0, means[l][t].length);
                    System.arraycopy(vars[l][t], 0, c.vars[l][t], 0, vars[l][t].length);
                }
            }
        }
        return c;
    }

    /** Total number of stored floats (weights and BN statistics). */
    public long parameterCount() {
        long n = 0;
        for (int l : spec.weightedLayers()) {
            n += weights[l].length;
            if (gammas[l] != null) {
                n += 3L * spec.timesteps() * spec.outputChannels(l);
            }
        }
        return n;
    }

    private float[] bn(float[][][] store, int layer, int t) {
        checkLayer(layer);
        if (store[layer] == null) {
            throw new IllegalArgumentException("layer " + layer + " (" + spec.layers().get(layer).token()
                    + ") has no BNTT parameters" + (layer == spec.readoutIndex() ? " (it is the readout)" : ""));
        }
        if (t < 0 || t >= spec.timesteps()) {
            throw new IndexOutOfBoundsException("time step " + t + " outside 0.." + (spec.timesteps() - 1));
        }
        return store[layer][t];
    }

    private int checkLayer(int layer) {
        if (layer < 0 || layer >= weights.length) {
            throw new IndexOutOfBoundsException("layer " + layer + " of " + weights.length);
        }
        return layer;
    }

    /** Bit-exact equality of every stored float (NaN payloads included) and the same spec. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof BnntParams other) || !spec.equals(other.spec)) {
            return false;
        }
        for (int l : spec.weightedLayers()) {
            if (!bitsEqual(weights[l], other.weights[l])) {
                return false;
            }
            if (gammas[l] != null) {
                for (int t = 0; t < spec.timesteps(); t++) {
                    if (!bitsEqual(gammas[l][t], other.gammas[l][t]) || !bitsEqual(means[l][t], other.means[l][t])
                            || !bitsEqual(vars[l][t], other.vars[l][t])) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static boolean bitsEqual(float[] a, float[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = spec.hashCode();
        for (int l : spec.weightedLayers()) {
            h = h * 31 + Arrays.hashCode(weights[l]);
        }
        return h;
    }

    @Override
    public String toString() {
        return "BnntParams[" + spec.layerSpec() + ", T=" + spec.timesteps() + ", " + parameterCount() + " floats]";
    }
}
