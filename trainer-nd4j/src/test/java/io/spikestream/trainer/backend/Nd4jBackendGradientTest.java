package io.spikestream.trainer.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every primitive of the CPU backend against finite differences or hand-computed values. */
class Nd4jBackendGradientTest {
    private static Backend be;
    private final Random rnd = new Random(7);

    @BeforeAll
    static void open() {
        be = Backends.select("cpu");
    }

    @AfterAll
    static void close() {
        be.close();
    }

    @Test
    void convolutionForwardMatchesADirectLoop() {
        int n = 2, ci = 3, co = 4, h = 5, w = 6;
        float[] x = GradCheck.random(rnd, n * ci * h * w, 1f);
        float[] wt = GradCheck.random(rnd, co * ci * 9, 1f);
        try (Tensor tx = be.upload(x, n, ci, h, w); Tensor tw = be.upload(wt, co, ci, 3, 3);
                Tensor ty = be.allocate(n, co, h, w)) {
            be.conv3x3Forward(tx, tw, ty);
            float[] y = be.download(ty);
            for (int b = 0; b < n; b++) {
                for (int o = 0; o < co; o++) {
                    for (int r = 0; r < h; r++) {
                        for (int c = 0; c < w; c++) {
                            double s = 0;
                            for (int i = 0; i < ci; i++) {
                                for (int kr = 0; kr < 3; kr++) {
                                    for (int kc = 0; kc < 3; kc++) {
                                        int rr = r + kr - 1, cc = c + kc - 1;
                                        if (rr >= 0 && rr < h && cc >= 0 && cc < w) {
                                            s += x[((b * ci + i) * h + rr) * w + cc] * wt[((o * ci + i) * 3 + kr) * 3 + kc];
                                        }
                                    }
                                }
                            }
                            assertThat(y[((b * co + o) * h + r) * w + c]).isCloseTo((float) s, within(1e-4f));
                        }
                    }
                }
            }
        }
    }

    @Test
    void convolutionGradientsMatchFiniteDifferences() {
        int n = 2, ci = 3, co = 4, h = 5, w = 5;
        float[] r = GradCheck.random(rnd, n * co * h * w, 1f);
        try (Tensor x = be.upload(GradCheck.random(rnd, n * ci * h * w, 1f), n, ci, h, w);
                Tensor wt = be.upload(GradCheck.random(rnd, co * ci * 9, 1f), co, ci, 3, 3);
                Tensor y = be.allocate(n, co, h, w); Tensor dy = be.upload(r, n, co, h, w);
                Tensor dx = be.allocate(n, ci, h, w); Tensor dw = be.allocate(co, ci, 3, 3);
                Tensor dx2 = be.allocate(n, ci, h, w); Tensor dw2 = be.allocate(co, ci, 3, 3)) {
            java.util.function.DoubleSupplier loss = () -> {
                be.conv3x3Forward(x, wt, y);
                return GradCheck.dot(r, be.download(y));
            };
            be.conv3x3BackwardData(dy, wt, dx);
            be.conv3x3BackwardFilter(x, dy, dw);
            GradCheck.check(be, x, be.download(dx), loss, 1e-2f, 1e-3, 1e-3, 40, 1, "conv dx");
            GradCheck.check(be, wt, be.download(dw), loss, 1e-2f, 1e-3, 1e-3, 40, 2, "conv dw");
            be.conv3x3Backward(x, wt, dy, dx2, dw2);
            assertThat(be.download(dx2)).containsExactly(be.download(dx), within(1e-4f));
            assertThat(be.download(dw2)).containsExactly(be.download(dw), within(1e-4f));
        }
    }

    @Test
    void matrixProductsMatchFiniteDifferences() {
        int m = 3, k = 5, nOut = 4;
        float[] r = GradCheck.random(rnd, m * nOut, 1f);
        try (Tensor x = be.upload(GradCheck.random(rnd, m * k, 1f), m, k);
                Tensor w = be.upload(GradCheck.random(rnd, nOut * k, 1f), nOut, k);
                Tensor y = be.allocate(m, nOut); Tensor dy = be.upload(r, m, nOut);
                Tensor dx = be.allocate(m, k); Tensor dw = be.allocate(nOut, k)) {
            java.util.function.DoubleSupplier loss = () -> {
                be.matmulNT(x, w, y);
                return GradCheck.dot(r, be.download(y));
            };
            be.matmulNN(dy, w, dx);
            be.matmulTN(dy, x, dw);
            GradCheck.check(be, x, be.download(dx), loss, 1e-2f, 1e-3, 1e-3, 100, 3, "fc dx");
            GradCheck.check(be, w, be.download(dw), loss, 1e-2f, 1e-3, 1e-3, 100, 4, "fc dw");
        }
    }

    @Test
    void bnttLifGradientsMatchFiniteDifferencesWithTheSmoothSpike() {
        int t = 3, b = 4, c = 2, h = 2, w = 3;
        BnttLifConfig cfg = new BnttLifConfig(t, 0.9f, 1f, 1e-4f, 0.1f, SpikeFunction.SIGMOID);
        float[] r = GradCheck.random(rnd, t * b * c * h * w, 1f);
        float[] g = new float[t * c];
        for (int i = 0; i < g.length; i++) {
            g[i] = 0.5f + rnd.nextFloat();
        }
        try (Tensor z = be.upload(GradCheck.random(rnd, t * b * c * h * w, 1f), t * b, c, h, w);
                Tensor gamma = be.upload(g, t, c); Tensor rm = be.allocate(t, c); Tensor rv = be.allocate(t, c);
                Tensor xhat = be.allocate(t * b, c, h, w); Tensor inv = be.allocate(t, c);
                Tensor mem = be.allocate(t * b, c, h, w); Tensor spikes = be.allocate(t * b, c, h, w);
                Tensor gs = be.upload(r, t * b, c, h, w); Tensor gg = be.allocate(t, c);
                Tensor gz = be.allocate(t * b, c, h, w)) {
            java.util.function.DoubleSupplier loss = () -> {
                be.bnttLifForward(cfg, true, z, gamma, rm, rv, xhat, inv, mem, spikes);
                return GradCheck.dot(r, be.download(spikes));
            };
            loss.getAsDouble();
            be.bnttLifBackward(cfg, gs, mem, xhat, inv, gamma, gg, gz);
            GradCheck.check(be, z, be.download(gz), loss, 1e-3f, 2e-2, 2e-3, 60, 5, "bntt dz");
            GradCheck.check(be, gamma, be.download(gg), loss, 1e-3f, 2e-2, 2e-3, t * c, 6, "bntt dgamma");
        }
    }

    @Test
    void bnttLifHeavisideForwardAndSurrogateBackwardMatchHandComputedValues() {
        // T = 2, B = 2, one neuron: inputs ±1 normalise to x̂ = ±1; γ = (1.5, 0.2), λ = 0.9
        BnttLifConfig cfg = new BnttLifConfig(2, 0.9f, 1f, 1e-4f, 0.1f, SpikeFunction.HEAVISIDE);
        try (Tensor z = be.upload(new float[] {1, -1, 3, -3}, 4, 1); Tensor gamma = be.upload(new float[] {1.5f, 0.2f}, 2, 1);
                Tensor rm = be.allocate(2, 1); Tensor rv = be.upload(new float[] {1, 1}, 2, 1);
                Tensor xhat = be.allocate(4, 1); Tensor inv = be.allocate(2, 1); Tensor mem = be.allocate(4, 1);
                Tensor spikes = be.allocate(4, 1); Tensor gs = be.upload(new float[] {1, 1, 1, 1}, 4, 1);
                Tensor gg = be.allocate(2, 1); Tensor gz = be.allocate(4, 1)) {
            be.bnttLifForward(cfg, true, z, gamma, rm, rv, xhat, inv, mem, spikes);
            assertThat(be.download(spikes)).containsExactly(1, 0, 0, 0);
            // U0 = ±1.5; reset leaves (0.5, −1.5); U1 = 0.9·(0.5, −1.5) + 0.2·(1, −1)
            assertThat(be.download(mem)).containsExactly(new float[] {1.5f, -1.5f, 0.65f, -1.55f}, within(1e-3f));
            // running stats: mean 0 → 0; unbiased var of (1, −1) is 2, of (3, −3) is 18
            assertThat(be.download(rv)).containsExactly(new float[] {0.9f + 0.2f, 0.9f + 1.8f}, within(1e-4f));
            be.bnttLifBackward(cfg, gs, mem, xhat, inv, gamma, gg, gz);
            // dS/dU at t=1: 0.3·(1 − 0.35) = 0.195 (sample 0), 0 (sample 1, |x| = 2.55)
            // t=0: 0.3·(1 − 0.5) + 0.9·0.195 = 0.3255 (sample 0), 0 (sample 1)
            assertThat(be.download(gg)).containsExactly(new float[] {0.3255f, 0.195f}, within(1e-3f));
        }
    }

    @Test
    void poolingTimeMeanAndLossMatchFiniteDifferences() {
        float[] r = GradCheck.random(rnd, 2 * 3 * 2 * 2, 1f);
        try (Tensor x = be.upload(GradCheck.random(rnd, 2 * 3 * 5 * 4, 1f), 2, 3, 5, 4); Tensor y = be.allocate(2, 3, 2, 2);
                Tensor dy = be.upload(r, 2, 3, 2, 2); Tensor dx = be.allocate(2, 3, 5, 4)) {
            java.util.function.DoubleSupplier loss = () -> {
                be.avgPool2Forward(x, y);
                return GradCheck.dot(r, be.download(y));
            };
            be.avgPool2Backward(dy, dx);
            GradCheck.check(be, x, be.download(dx), loss, 1e-2f, 1e-3, 1e-4, 120, 7, "pool dx");
        }
        float[] r2 = GradCheck.random(rnd, 3 * 4, 1f);
        try (Tensor x = be.upload(GradCheck.random(rnd, 5 * 3 * 4, 1f), 15, 4); Tensor y = be.allocate(3, 4);
                Tensor dy = be.upload(r2, 3, 4); Tensor dx = be.allocate(15, 4)) {
            java.util.function.DoubleSupplier loss = () -> {
                be.timeMean(x, 5, y);
                return GradCheck.dot(r2, be.download(y));
            };
            be.timeMeanBackward(dy, 5, dx);
            GradCheck.check(be, x, be.download(dx), loss, 1e-2f, 1e-3, 1e-4, 60, 8, "time mean dx");
        }
        int[] labels = {2, 0, 1};
        try (Tensor logits = be.upload(GradCheck.random(rnd, 12, 2f), 3, 4); Tensor g = be.allocate(3, 4);
                Tensor scratch = be.allocate(3, 4)) {
            float l = be.softmaxCrossEntropy(logits, labels, g);
            assertThat(l).isPositive();
            GradCheck.check(be, logits, be.download(g), () -> be.softmaxCrossEntropy(logits, labels, scratch),
                    1e-2f, 1e-2, 1e-4, 12, 9, "cross-entropy");
            assertThatThrownBy(() -> be.softmaxCrossEntropy(logits, new int[] {0, 4, 1}, g))
                    .hasMessageContaining("label 4 at batch index 1");
        }
    }

    @Test
    void sgdStepFollowsThePyTorchConvention() {
        try (Tensor p = be.upload(new float[] {1f, -2f}, 2); Tensor g = be.upload(new float[] {0.5f, 0.25f}, 2);
                Tensor v = be.upload(new float[] {0.1f, 0f}, 2)) {
            be.sgdStep(p, g, v, 0.1f, 0.9f, 1e-2f);
            // v = 0.9·v + g + wd·p ; p −= lr·v
            assertThat(be.download(v)).containsExactly(new float[] {0.09f + 0.5f + 0.01f, 0.25f - 0.02f}, within(1e-6f));
            assertThat(be.download(p)).containsExactly(new float[] {1f - 0.06f, -2f - 0.023f}, within(1e-6f));
        }
    }

    @Test
    void selectionNamesWhatItTookAndRefusesUnknownOrMissingBackends() {
        Backends.Selection auto = Backends.choose("auto");
        assertThat(auto.description()).contains("using cpu");
        auto.backend().close();
        assertThatThrownBy(() -> Backends.choose("tpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown backend 'tpu'");
        if (Backends.providers().stream().noneMatch(p -> p.name().equals("cuda"))) {
            assertThatThrownBy(() -> Backends.choose("cuda")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cuda is not available");
        }
    }
}
