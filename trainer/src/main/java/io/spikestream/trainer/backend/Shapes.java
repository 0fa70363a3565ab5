package io.spikestream.trainer.backend;

import java.util.Arrays;

/**
 * The argument checks every backend makes before it computes, in one place so that all backends
 * refuse the same calls with the same messages. A backend's own limits (such as a device's int
 * indexing, {@link #intSize}) are checked by that backend on top.
 */
public final class Shapes {
    private Shapes() {
    }

    /** {@code x[N,I,H,W]}, {@code w[O,I,3,3]}, {@code y[N,O,H,W]}. */
    public static void conv(Tensor x, Tensor w, Tensor y) {
        if (x.shape().length != 4 || w.shape().length != 4 || y.shape().length != 4
                || w.dim(2) != 3 || w.dim(3) != 3 || x.dim(1) != w.dim(1) || y.dim(1) != w.dim(0)
                || x.dim(0) != y.dim(0) || x.dim(2) != y.dim(2) || x.dim(3) != y.dim(3)) {
            throw new IllegalArgumentException("conv3x3 shapes do not fit: x " + x + ", w " + w + ", y " + y);
        }
    }

    /** Three matrices whose dimensions {@code fit} as the product {@code op} needs. */
    public static void matrices(Tensor a, Tensor b, Tensor c, boolean fits, String op) {
        if (a.shape().length != 2 || b.shape().length != 2 || c.shape().length != 2 || !fits) {
            throw new IllegalArgumentException(op + " shapes do not fit: " + a + ", " + b + ", " + c);
        }
    }

    public static void matmulNT(Tensor a, Tensor b, Tensor c) {
        matrices(a, b, c, a.dim(1) == b.dim(1) && c.dim(0) == a.dim(0) && c.dim(1) == b.dim(0), "matmulNT");
    }

    public static void matmulNN(Tensor a, Tensor b, Tensor c) {
        matrices(a, b, c, a.dim(1) == b.dim(0) && c.dim(0) == a.dim(0) && c.dim(1) == b.dim(1), "matmulNN");
    }

    public static void matmulTN(Tensor a, Tensor b, Tensor c) {
        matrices(a, b, c, a.dim(0) == b.dim(0) && c.dim(0) == a.dim(1) && c.dim(1) == b.dim(1), "matmulTN");
    }

    /** {@code x[N,C,H,W] → y[N,C,H/2,W/2]}. */
    public static void pool(Tensor x, Tensor y) {
        if (x.shape().length != 4 || y.shape().length != 4 || x.dim(0) != y.dim(0) || x.dim(1) != y.dim(1)
                || y.dim(2) != x.dim(2) / 2 || y.dim(3) != x.dim(3) / 2) {
            throw new IllegalArgumentException("avg pool shapes do not fit: " + x + " → " + y);
        }
    }

    public static void sameSize(Tensor a, Tensor b, String what) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(what + ": sizes differ, " + a + " vs " + b);
        }
    }

    public static void reshape(Tensor t, int[] shape) {
        if (Tensor.sizeOf(shape) != t.size()) {
            throw new IllegalArgumentException("cannot reshape " + t + " to " + Arrays.toString(shape));
        }
    }

    /** {@code x[T·B, ...]} averaged over T into {@code out[B, ...]}. */
    public static void timeMean(Tensor x, int timesteps, Tensor out) {
        if (x.size() != out.size() * timesteps) {
            throw new IllegalArgumentException("time mean of " + x + " over " + timesteps + " steps into " + out);
        }
    }

    /** {@code dy[B, ...]} spread over T into {@code dx[T·B, ...]}. */
    public static void timeMeanBackward(Tensor dy, int timesteps, Tensor dx) {
        if (dx.size() != dy.size() * timesteps) {
            throw new IllegalArgumentException("time mean backward of " + dy + " over " + timesteps + " steps into " + dx);
        }
    }

    /** Logits {@code [B, K]} with B labels, each in 0..K−1, and a gradient of the same size. */
    public static void loss(Tensor logits, int[] labels, Tensor gradLogits) {
        if (logits.shape().length != 2 || logits.dim(0) != labels.length) {
            throw new IllegalArgumentException("loss: logits " + logits + " for " + labels.length + " labels");
        }
        sameSize(logits, gradLogits, "loss gradient");
        labels(labels, logits.dim(0), logits.dim(1));
    }

    public static void labels(int[] labels, int batch, int classes) {
        if (labels.length != batch) {
            throw new IllegalArgumentException("loss: " + labels.length + " labels for a batch of " + batch);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " at batch index " + i + " outside 0.." + (classes - 1));
            }
        }
    }

    /** Parameter, gradient and velocity of an SGD step: one size. */
    public static void sgd(Tensor param, Tensor grad, Tensor velocity) {
        sameSize(param, grad, "sgd gradient");
        sameSize(param, velocity, "sgd velocity");
    }

    /** Device kernels index with int: every tensor they touch must have fewer than 2³¹ values. */
    public static int intSize(Tensor t) {
        if (t.size() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor " + t + " has more than 2^31-1 values");
        }
        return (int) t.size();
    }

    /**
     * The layout of the fused BNTT+LIF step's tensors, {@code [T·B, C, spatial...]} seen as T steps
     * of batch B, channels C and spatial size S, with every argument of the forward checked.
     */
    public static Layout bnttForward(BnttLifConfig cfg, Tensor z, Tensor gamma, Tensor runningMean, Tensor runningVar,
            Tensor xhatOut, Tensor invStdOut, Tensor memOut, Tensor spikesOut) {
        Layout l = Layout.of(cfg, z);
        l.checkPerStep(gamma, "gamma");
        l.checkPerStep(runningMean, "running mean");
        l.checkPerStep(runningVar, "running var");
        l.checkPerStep(invStdOut, "inv std");
        sameSize(z, xhatOut, "bntt xhat");
        sameSize(z, memOut, "bntt mem");
        sameSize(z, spikesOut, "bntt spikes");
        return l;
    }

    /** {@link #bnttForward}'s checks for the backward. */
    public static Layout bnttBackward(BnttLifConfig cfg, Tensor gradSpikes, Tensor mem, Tensor xhat, Tensor invStd,
            Tensor gamma, Tensor gradGamma, Tensor gradZOut) {
        Layout l = Layout.of(cfg, gradSpikes);
        l.checkPerStep(gamma, "gamma");
        l.checkPerStep(gradGamma, "gamma gradient");
        l.checkPerStep(invStd, "inv std");
        sameSize(gradSpikes, mem, "bntt backward mem");
        sameSize(gradSpikes, xhat, "bntt backward xhat");
        sameSize(gradSpikes, gradZOut, "bntt backward dz");
        return l;
    }

    /** {@code [T·B, C, spatial...]} seen as T steps of batch B, channels C and spatial size S. */
    public record Layout(int timesteps, int batch, int channels, int spatial) {
        public static Layout of(BnttLifConfig cfg, Tensor z) {
            int[] s = z.shape();
            if (s.length < 2 || s[0] % cfg.timesteps() != 0) {
                throw new IllegalArgumentException("BNTT input " + z + " is not [T·B, C, ...] with T = " + cfg.timesteps());
            }
            int spatial = 1;
            for (int i = 2; i < s.length; i++) {
                spatial *= s[i];
            }
            return new Layout(cfg.timesteps(), s[0] / cfg.timesteps(), s[1], spatial);
        }

        public void checkPerStep(Tensor p, String what) {
            if (p.size() != (long) timesteps * channels) {
                throw new IllegalArgumentException("BNTT " + what + " " + p + " is not [T, C] = [" + timesteps + ", " + channels + "]");
            }
        }

        /** Values of one tensor: T·B·C·S. */
        public int total() {
            return timesteps * batch * channels * spatial;
        }
    }
}
