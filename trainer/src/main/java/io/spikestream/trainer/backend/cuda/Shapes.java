package io.spikestream.trainer.backend.cuda;

import io.spikestream.trainer.backend.BnttLifConfig;
import io.spikestream.trainer.backend.Tensor;
import java.util.Arrays;

/** Shape checks shared by the CUDA and reference backends (same rules and messages as the CPU backend). */
final class Shapes {
    private Shapes() {
    }

    static void conv(Tensor x, Tensor w, Tensor y) {
        if (x.shape().length != 4 || w.shape().length != 4 || y.shape().length != 4
                || w.dim(2) != 3 || w.dim(3) != 3 || x.dim(1) != w.dim(1) || y.dim(1) != w.dim(0)
                || x.dim(0) != y.dim(0) || x.dim(2) != y.dim(2) || x.dim(3) != y.dim(3)) {
            throw new IllegalArgumentException("conv3x3 shapes do not fit: x " + x + ", w " + w + ", y " + y);
        }
    }

    static void matrices(Tensor a, Tensor b, Tensor c, boolean fits, String op) {
        if (a.shape().length != 2 || b.shape().length != 2 || c.shape().length != 2 || !fits) {
            throw new IllegalArgumentException(op + " shapes do not fit: " + a + ", " + b + ", " + c);
        }
    }

    static void pool(Tensor x, Tensor y) {
        if (x.shape().length != 4 || y.shape().length != 4 || x.dim(0) != y.dim(0) || x.dim(1) != y.dim(1)
                || y.dim(2) != x.dim(2) / 2 || y.dim(3) != x.dim(3) / 2) {
            throw new IllegalArgumentException("avg pool shapes do not fit: " + x + " → " + y);
        }
    }

    static void sameSize(Tensor a, Tensor b, String what) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(what + ": sizes differ, " + a + " vs " + b);
        }
    }

    static void reshape(Tensor t, int[] shape) {
        if (Tensor.sizeOf(shape) != t.size()) {
            throw new IllegalArgumentException("cannot reshape " + t + " to " + Arrays.toString(shape));
        }
    }

    /** Device kernels index with int: every tensor they touch must have fewer than 2³¹ values. */
    static int intSize(Tensor t) {
        if (t.size() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor " + t + " has more than 2^31-1 values");
        }
        return (int) t.size();
    }

    /** [T·B, C, spatial...] seen as batch B, channels C and spatial size S. */
    record Layout(int timesteps, int batch, int channels, int spatial) {
        static Layout of(BnttLifConfig cfg, Tensor z) {
            int[] s = z.shape();
            if (s.length < 2 || s[0] % cfg.timesteps() != 0) {
                throw new IllegalArgumentException("BNTT input " + z + " is not [T·B, C, ...] with T = " + cfg.timesteps());
            }
            intSize(z);
            int spatial = 1;
            for (int i = 2; i < s.length; i++) {
                spatial *= s[i];
            }
            return new Layout(cfg.timesteps(), s[0] / cfg.timesteps(), s[1], spatial);
        }

        void checkPerStep(Tensor p, String what) {
            if (p.size() != (long) timesteps * channels) {
                throw new IllegalArgumentException("BNTT " + what + " " + p + " is not [T, C] = [" + timesteps + ", " + channels + "]");
            }
        }

        int total() {
            return timesteps * batch * channels * spatial;
        }
    }

    static void labels(int[] labels, int batch, int classes) {
        if (labels.length != batch) {
            throw new IllegalArgumentException("loss: " + labels.length + " labels for a batch of " + batch);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " at batch index " + i + " outside 0.." + (classes - 1));
            }
        }
    }
}
