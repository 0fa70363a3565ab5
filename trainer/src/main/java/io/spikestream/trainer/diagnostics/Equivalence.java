package io.spikestream.trainer.diagnostics;

import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BnttLifConfig;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.backend.Tensor;
import io.spikestream.trainer.backend.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * Runs every backend primitive, and a short training run, on two backends from the same inputs and
 * compares the results: the CUDA-versus-CPU check of a GPU machine (CUDA against
 * {@link ReferenceBackend}, which needs no ND4J), and here, without a GPU, the reference against the
 * ND4J backend. Inputs are seeded, so both sides and both machines see the same numbers.
 */
public final class Equivalence {
    /** Tolerances: {@code |a − b| ≤ atol + rtol·|b|} element-wise; {@code lossRtol} for the loss curve. */
    public record Tolerance(double atol, double rtol, double lossRtol) {
        /** Different summation orders only: convolutions and products in FP32, exact kernels. */
        public static Tolerance strictFp32() {
            return new Tolerance(1e-4, 1e-4, 1e-3);
        }

        /** TF32 tensor cores (10-bit mantissa inputs) in convolutions and products. */
        public static Tolerance tf32() {
            return new Tolerance(2e-2, 2e-2, 2e-2);
        }
    }

    /** One compared output: the largest differences and whether they are within tolerance. */
    public record Result(String name, long values, double maxAbsDiff, double maxRelDiff, long mismatches, boolean passed) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-34s %s  %8d values, max |diff| %.3g, max rel %.3g, %d outside tolerance",
                    name, passed ? "ok  " : "FAIL", values, maxAbsDiff, maxRelDiff, mismatches);
        }
    }

    private static final int[] OUT1 = {1};
    private static final int[] OUT2 = {2};

    private final Backend a;
    private final Backend b;
    private final Tolerance tol;
    private final long seed;
    private final List<Result> results = new ArrayList<>();

    public Equivalence(Backend a, Backend b, Tolerance tol, long seed) {
        this.a = a;
        this.b = b;
        this.tol = tol;
        this.seed = seed;
    }

    public List<Result> results() {
        return List.copyOf(results);
    }

    public boolean allPassed() {
        return results.stream().allMatch(Result::passed);
    }

    // ---- comparison helpers ---------------------------------------------------------------------

    public static Result compare(String name, float[] x, float[] ref, Tolerance tol) {
        if (x.length != ref.length) {
            return new Result(name + " (length " + x.length + " vs " + ref.length + ")", x.length, Double.NaN, Double.NaN,
                    Math.max(x.length, ref.length), false);
        }
        double maxAbs = 0;
        double maxRel = 0;
        long bad = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs((double) x[i] - ref[i]);
            if (Double.isNaN(d)) {
                bad++;
                maxAbs = Double.NaN;
                continue;
            }
            maxAbs = Math.max(maxAbs, d);
            double scale = Math.abs(ref[i]);
            if (scale > 0) {
                maxRel = Math.max(maxRel, d / scale);
            }
            if (d > tol.atol() + tol.rtol() * scale) {
                bad++;
            }
        }
        return new Result(name, x.length, maxAbs, maxRel, bad, bad == 0);
    }

    /** Spikes are 0/1: a flip is a mismatch; up to {@code maxFlipFraction} of them may flip. */
    static Result compareSpikes(String name, float[] x, float[] ref, double maxFlipFraction) {
        long flips = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] != ref[i]) {
                flips++;
            }
        }
        return new Result(name, x.length, flips > 0 ? 1 : 0, flips > 0 ? 1 : 0, flips, flips <= maxFlipFraction * x.length);
    }

    private float[] random(SplittableRandom rnd, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return v;
    }

    private float[] binary(SplittableRandom rnd, int n, double density) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble() < density ? 1f : 0f;
        }
        return v;
    }

    /**
     * Runs {@code op} on both backends with the same inputs and compares the tensors at
     * {@code outputs} afterwards; the one at {@code spikeIndex} (or none: −1) holds 0/1 spikes.
     */
    private void both(String name, List<float[]> inputs, List<int[]> shapes, int[] outputs, BiConsumer<Backend, Tensor[]> op,
            int spikeIndex, boolean exactKernel) {
        float[][] outA = run(a, inputs, shapes, op);
        float[][] outB = run(b, inputs, shapes, op);
        Tolerance t = exactKernel ? new Tolerance(1e-5, 1e-5, tol.lossRtol()) : tol;
        for (int k : outputs) {
            String n = name + " #" + k;
            results.add(k == spikeIndex ? compareSpikes(n + " spikes", outA[k], outB[k], 1e-3) : compare(n, outA[k], outB[k], t));
        }
    }

    private static float[][] run(Backend be, List<float[]> inputs, List<int[]> shapes, BiConsumer<Backend, Tensor[]> op) {
        Tensor[] ts = new Tensor[inputs.size()];
        try {
            for (int i = 0; i < ts.length; i++) {
                ts[i] = be.upload(inputs.get(i), shapes.get(i));
            }
            op.accept(be, ts);
            float[][] out = new float[ts.length][];
            for (int i = 0; i < ts.length; i++) {
                out[i] = be.download(ts[i]);
            }
            return out;
        } finally {
            for (Tensor t : ts) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    // ---- the primitives ------------------------------------------------------------------------

    /** Every primitive at a small but not trivial size (odd spatial sizes, batch not a power of 2). */
    public Equivalence primitives() {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 6, ci = 5, co = 7, h = 9, w = 11;
        both("conv3x3Forward", List.of(random(rnd, n * ci * h * w, 1), random(rnd, co * ci * 9, 0.5), new float[n * co * h * w]),
                List.of(new int[] {n, ci, h, w}, new int[] {co, ci, 3, 3}, new int[] {n, co, h, w}), OUT2,
                (be, t) -> be.conv3x3Forward(t[0], t[1], t[2]), -1, false);
        both("conv3x3Forward sparse", List.of(binary(rnd, n * ci * h * w, 0.05), random(rnd, co * ci * 9, 0.5),
                        new float[n * co * h * w]),
                List.of(new int[] {n, ci, h, w}, new int[] {co, ci, 3, 3}, new int[] {n, co, h, w}), OUT2,
                (be, t) -> be.conv3x3Forward(t[0], t[1], t[2]), -1, false);
        both("conv3x3BackwardData", List.of(random(rnd, n * co * h * w, 1), random(rnd, co * ci * 9, 0.5), new float[n * ci * h * w]),
                List.of(new int[] {n, co, h, w}, new int[] {co, ci, 3, 3}, new int[] {n, ci, h, w}), OUT2,
                (be, t) -> be.conv3x3BackwardData(t[0], t[1], t[2]), -1, false);
        both("conv3x3BackwardFilter", List.of(random(rnd, n * ci * h * w, 1), random(rnd, n * co * h * w, 1), new float[co * ci * 9]),
                List.of(new int[] {n, ci, h, w}, new int[] {n, co, h, w}, new int[] {co, ci, 3, 3}), OUT2,
                (be, t) -> be.conv3x3BackwardFilter(t[0], t[1], t[2]), -1, false);
        int m = 13, k = 37, q = 10;
        both("matmulNT", List.of(random(rnd, m * k, 1), random(rnd, q * k, 1), new float[m * q]),
                List.of(new int[] {m, k}, new int[] {q, k}, new int[] {m, q}), OUT2, (be, t) -> be.matmulNT(t[0], t[1], t[2]), -1, false);
        both("matmulNN", List.of(random(rnd, m * q, 1), random(rnd, q * k, 1), new float[m * k]),
                List.of(new int[] {m, q}, new int[] {q, k}, new int[] {m, k}), OUT2, (be, t) -> be.matmulNN(t[0], t[1], t[2]), -1, false);
        both("matmulTN", List.of(random(rnd, m * q, 1), random(rnd, m * k, 1), new float[q * k]),
                List.of(new int[] {m, q}, new int[] {m, k}, new int[] {q, k}), OUT2, (be, t) -> be.matmulTN(t[0], t[1], t[2]), -1, false);
        for (SpikeFunction sf : SpikeFunction.values()) {
            bntt(rnd, new BnttLifConfig(5, 0.9f, 1f, 1e-4f, 0.1f, sf), 6, 4, 7, 5);
            bntt(rnd, new BnttLifConfig(3, 0.95f, 1f, 1e-4f, 0.1f, sf), 5, 9, 1, 1); // fully connected
        }
        both("avgPool2Forward", List.of(random(rnd, 3 * 4 * 7 * 9, 1), new float[3 * 4 * 3 * 4]),
                List.of(new int[] {3, 4, 7, 9}, new int[] {3, 4, 3, 4}), OUT1, (be, t) -> be.avgPool2Forward(t[0], t[1]), -1, true);
        both("avgPool2Backward", List.of(random(rnd, 3 * 4 * 3 * 4, 1), random(rnd, 3 * 4 * 7 * 9, 1)),
                List.of(new int[] {3, 4, 3, 4}, new int[] {3, 4, 7, 9}), OUT1, (be, t) -> be.avgPool2Backward(t[0], t[1]), -1, true);
        both("timeMean", List.of(random(rnd, 4 * 6 * 10, 1), new float[6 * 10]), List.of(new int[] {24, 10}, new int[] {6, 10}), OUT1,
                (be, t) -> be.timeMean(t[0], 4, t[1]), -1, true);
        both("timeMeanBackward", List.of(random(rnd, 6 * 10, 1), random(rnd, 4 * 6 * 10, 1)),
                List.of(new int[] {6, 10}, new int[] {24, 10}), OUT1, (be, t) -> be.timeMeanBackward(t[0], 4, t[1]), -1, true);
        int[] labels = {3, 0, 9, 9, 1, 5, 2};
        float[] logits = random(rnd, 7 * 10, 4);
        float[] lossA = new float[1];
        float[] lossB = new float[1];
        float[][] gradA = run(a, List.of(logits, new float[70]), List.of(new int[] {7, 10}, new int[] {7, 10}),
                (be, t) -> lossA[0] = be.softmaxCrossEntropy(t[0], labels, t[1]));
        float[][] gradB = run(b, List.of(logits, new float[70]), List.of(new int[] {7, 10}, new int[] {7, 10}),
                (be, t) -> lossB[0] = be.softmaxCrossEntropy(t[0], labels, t[1]));
        results.add(compare("softmaxCrossEntropy loss", lossA, lossB, new Tolerance(1e-6, 1e-6, 0)));
        // the asynchronous loss: six queued before any is read, each its own value
        float[] logits2 = random(rnd, 7 * 10, 4);
        float[] asyncA = asyncLosses(a, logits, logits2, labels);
        float[] asyncB = asyncLosses(b, logits, logits2, labels);
        results.add(compare("softmaxCrossEntropyAsync losses", asyncA, asyncB, new Tolerance(1e-6, 1e-6, 0)));
        results.add(compare("softmaxCrossEntropyAsync = synchronous", new float[] {asyncA[0]}, lossA, new Tolerance(0, 0, 0)));
        byte[] counts = new byte[2 * 3 * 2 * 5 * 7];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (byte) rnd.nextInt(256);
        }
        results.add(compare("uploadCounts", countsOn(a, counts), countsOn(b, counts), new Tolerance(0, 0, 0)));
        results.add(compare("softmaxCrossEntropy gradient", gradA[1], gradB[1], new Tolerance(1e-6, 1e-5, 0)));
        both("sgdStep", List.of(random(rnd, 1000, 1), random(rnd, 1000, 1), random(rnd, 1000, 0.1)),
                List.of(new int[] {1000}, new int[] {1000}, new int[] {1000}), new int[] {0, 2},
                (be, t) -> be.sgdStep(t[0], t[1], t[2], 0.05f, 0.9f, 1e-4f), -1, true);
        both("fill", List.of(new float[777]), List.of(new int[] {777}), new int[] {0}, (be, t) -> be.fill(t[0], 0.37f), -1, true);
        both("axpy", List.of(random(rnd, 777, 1), random(rnd, 777, 1)), List.of(new int[] {777}, new int[] {777}), OUT1,
                (be, t) -> be.axpy(-1.5f, t[0], t[1]), -1, true);
        return this;
    }

    /**
     * Six losses queued before any is read, alternating the two logits: more than the CUDA
     * backend's read-back ring holds, so reused slots must settle the losses they still hold.
     */
    private static float[] asyncLosses(Backend be, float[] logits1, float[] logits2, int[] labels) {
        int[] shape = {labels.length, logits1.length / labels.length};
        try (Tensor l1 = be.upload(logits1, shape); Tensor l2 = be.upload(logits2, shape); Tensor g = be.allocate(shape)) {
            Backend.Loss[] pending = new Backend.Loss[6];
            for (int i = 0; i < pending.length; i++) {
                pending[i] = be.softmaxCrossEntropyAsync(i % 2 == 0 ? l1 : l2, labels, g);
            }
            float[] out = new float[pending.length];
            for (int i = 0; i < pending.length; i++) {
                out[i] = pending[i].value();
            }
            return out;
        }
    }

    private static float[] countsOn(Backend be, byte[] counts) {
        try (Tensor t = be.allocate(2 * 3, 2, 5, 7)) {
            be.uploadCounts(counts, t);
            return be.download(t);
        }
    }

    /** Forward (training and inference) and backward of the fused step on {@code [T·B, C, S]}. */
    private void bntt(SplittableRandom rnd, BnttLifConfig cfg, int batch, int channels, int hh, int ww) {
        int t = cfg.timesteps();
        int size = t * batch * channels * hh * ww;
        int[] act = hh * ww == 1 ? new int[] {t * batch, channels} : new int[] {t * batch, channels, hh, ww};
        int[] perStep = {t, channels};
        float[] z = random(rnd, size, 2);
        float[] gamma = new float[t * channels];
        float[] rm = random(rnd, t * channels, 0.2);
        float[] rv = new float[t * channels];
        for (int i = 0; i < gamma.length; i++) {
            gamma[i] = (float) (0.5 + rnd.nextDouble());
            rv[i] = (float) (0.5 + rnd.nextDouble());
        }
        String tag = "bntt " + cfg.spike().name().toLowerCase(Locale.ROOT) + " " + java.util.Arrays.toString(act);
        for (boolean training : new boolean[] {true, false}) {
            // inputs: z, gamma, runMean, runVar, invStd, mem, spikes (xhat in place of z, as the network does)
            both(tag + (training ? " forward train" : " forward eval"),
                    List.of(z, gamma, rm, rv, new float[t * channels], new float[size], new float[size]),
                    List.of(act, perStep, perStep, perStep, perStep, act, act), new int[] {0, 2, 3, 4, 5, 6},
                    (be, ts) -> be.bnttLifForward(cfg, training, ts[0], ts[1], ts[2], ts[3], ts[0], ts[4], ts[5], ts[6]),
                    cfg.spike() == SpikeFunction.HEAVISIDE ? 6 : -1, true);
        }
        // backward from a forward on the reference side's numbers: both get the same mem/xhat/invStd
        float[] mem = new float[size];
        float[] xhat = z.clone();
        float[] inv = new float[t * channels];
        float[] spikes = new float[size];
        try (ReferenceBackend ref = new ReferenceBackend();
                Tensor tz = ref.upload(xhat, act); Tensor tg = ref.upload(gamma, perStep); Tensor tm = ref.upload(rm.clone(), perStep);
                Tensor tv = ref.upload(rv.clone(), perStep); Tensor ti = ref.upload(inv, perStep); Tensor tmem = ref.upload(mem, act);
                Tensor ts = ref.upload(spikes, act)) {
            ref.bnttLifForward(cfg, true, tz, tg, tm, tv, tz, ti, tmem, ts);
            xhat = ref.download(tz);
            inv = ref.download(ti);
            mem = ref.download(tmem);
        }
        float[] gradSpikes = random(rnd, size, 1);
        float[] gradGamma = random(rnd, t * channels, 0.1); // accumulated into
        // inputs: gradSpikes (becomes dz in place), mem, xhat, invStd, gamma, gradGamma
        both(tag + " backward", List.of(mem, xhat, inv, gamma, gradGamma, gradSpikes),
                List.of(act, act, perStep, perStep, perStep, act), new int[] {4, 5},
                (be, ts) -> be.bnttLifBackward(cfg, ts[5], ts[0], ts[1], ts[2], ts[3], ts[4], ts[5]), -1, true);
    }

    /** One line per result, then a summary. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        for (Result r : results) {
            sb.append(r).append('\n');
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        sb.append(results.size() - failed).append(" passed, ").append(failed).append(" failed\n");
        return sb.toString();
    }
}
