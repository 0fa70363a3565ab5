package io.spikestream.trainer.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.DoubleSupplier;

/** Central finite differences against an analytic gradient, on a random subset of entries. */
public final class GradCheck {
    private GradCheck() {
    }

    /**
     * Perturbs {@code samples} random entries of {@code input} by ±h, evaluates {@code loss} and
     * compares (L(+h) − L(−h)) / 2h with {@code analytic} at that entry.
     */
    public static void check(Backend be, Tensor input, float[] analytic, DoubleSupplier loss, float h,
            double relTol, double absTol, int samples, long seed, String what) {
        float[] values = be.download(input);
        Random rnd = new Random(seed);
        int n = values.length;
        for (int k = 0; k < Math.min(samples, n); k++) {
            int i = samples >= n ? k : rnd.nextInt(n);
            float orig = values[i];
            values[i] = orig + h;
            be.upload(values, input);
            double plus = loss.getAsDouble();
            values[i] = orig - h;
            be.upload(values, input);
            double minus = loss.getAsDouble();
            values[i] = orig;
            be.upload(values, input);
            double numeric = (plus - minus) / (2 * h);
            double tol = absTol + relTol * Math.max(Math.abs(numeric), Math.abs(analytic[i]));
            assertThat(Math.abs(numeric - analytic[i]))
                    .as("%s: gradient at %d, numeric %s vs analytic %s", what, i, numeric, analytic[i])
                    .isLessThanOrEqualTo(tol);
        }
    }

    /** Σ r·x in double precision. */
    public static double dot(float[] r, float[] x) {
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            s += (double) r[i] * x[i];
        }
        return s;
    }

    public static float[] random(Random rnd, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale);
        }
        return a;
    }
}
