package io.spikestream.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.InputShape;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.snn.inference.DenseReferenceEngine;
import io.spikestream.snn.inference.Session;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Backends;
import io.spikestream.trainer.backend.SpikeFunction;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A whole tiny network over several steps: BPTT gradients against finite differences. */
class BpttNetworkGradientTest {
    private static Backend be;

    @BeforeAll
    static void open() {
        be = Backends.select("cpu");
    }

    @AfterAll
    static void close() {
        be.close();
    }

    static ModelSpec tinySpec(String arch, int side, int timesteps) {
        FramingSpec framing = FramingSpec.timeWindow(new SensorGeometry(side, side), 1000, side, side, CountMode.CLIPPED, 4);
        return ModelSpec.of(arch, new InputShape(2, side, side), timesteps, framing, List.of("a", "b", "c"))
                .withLeak(0.9f);
    }

    static float[] randomFrames(Random rnd, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = rnd.nextFloat() < 0.4f ? rnd.nextInt(3) : 0f;
        }
        return f;
    }

    @Test
    void wholeNetworkGradientsMatchFiniteDifferencesWithTheSmoothSpike() {
        ModelSpec spec = tinySpec("c3-p2-f5", 4, 3);
        int batch = 3;
        Random rnd = new Random(11);
        float[] frames = randomFrames(rnd, spec.timesteps() * batch * spec.input().size());
        int[] labels = {0, 2, 1};
        BnntParams params = BnntParams.init(spec, 5);
        try (BpttNetwork net = new BpttNetwork(be, params, SpikeFunction.SIGMOID)) {
            // scale γ away from 1 so that every step's parameters matter differently
            for (int l : List.of(0, 2)) {
                float[] g = net.gamma(l);
                for (int i = 0; i < g.length; i++) {
                    g[i] = 0.6f + rnd.nextFloat();
                }
                net.setGamma(l, g);
            }
            net.forward(frames, batch, true);
            net.loss(labels);
            net.backward();
            for (int l : spec.weightedLayers()) {
                float[] analytic = net.weightGradient(l);
                checkLayer(net, frames, batch, labels, l, false, analytic);
                if (spec.spiking(l)) {
                    checkLayer(net, frames, batch, labels, l, true, net.gammaGradient(l));
                }
            }
        }
    }

    private static void checkLayer(BpttNetwork net, float[] frames, int batch, int[] labels, int layer, boolean gamma,
            float[] analytic) {
        float[] values = gamma ? net.gamma(layer) : net.weight(layer);
        Random pick = new Random(layer * 31 + (gamma ? 1 : 0));
        float h = 2e-3f;
        int checked = 0;
        for (int k = 0; k < 12; k++) {
            int i = pick.nextInt(values.length);
            float orig = values[i];
            values[i] = orig + h;
            set(net, layer, gamma, values);
            net.forward(frames, batch, true);
            double plus = net.loss(labels);
            values[i] = orig - h;
            set(net, layer, gamma, values);
            net.forward(frames, batch, true);
            double minus = net.loss(labels);
            values[i] = orig;
            set(net, layer, gamma, values);
            double numeric = (plus - minus) / (2 * h);
            double tol = 3e-3 + 5e-2 * Math.max(Math.abs(numeric), Math.abs(analytic[i]));
            assertThat(Math.abs(numeric - analytic[i]))
                    .as("layer %d %s[%d]: numeric %s vs analytic %s", layer, gamma ? "gamma" : "weight", i, numeric, analytic[i])
                    .isLessThanOrEqualTo(tol);
            checked++;
        }
        assertThat(checked).isPositive();
    }

    private static void set(BpttNetwork net, int layer, boolean gamma, float[] values) {
        if (gamma) {
            net.setGamma(layer, values);
        } else {
            net.setWeight(layer, values);
        }
    }

    @Test
    void aBatchThatCannotFitIsRefusedWithTheSizeInsteadOfBeingAllocated() {
        ModelSpec spec = tinySpec("c4-p2-f6", 8, 4);
        // what a backend that convolves with im2col (the default) is charged
        long need = Activations.activationBytes(spec, 64) + Activations.im2colBytes(spec, 64);
        assertThat(need).isGreaterThan(Activations.activationBytes(spec, 8) + Activations.im2colBytes(spec, 8));
        // the CPU backend with a pretend memory limit between the two batch sizes
        Backend small = (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(),
                new Class<?>[] {Backend.class}, (proxy, m, args) -> {
                    if (m.getName().equals("availableBytes")) {
                        return need - 1;
                    }
                    try {
                        return m.invoke(be, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (BpttNetwork net = new BpttNetwork(small, BnntParams.init(spec, 1), SpikeFunction.HEAVISIDE)) {
            int fs = spec.input().size();
            net.forward(new float[spec.timesteps() * 8 * fs], 8, true);
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> net.forward(new float[spec.timesteps() * 64 * fs], 64, true))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("batch 64 over T=4 needs about").hasMessageContaining("use a smaller batch")
                    .hasMessageNotContaining(" 0.0 ");
        }
    }

    @Test
    void aBackendWithABoundedConvolutionWorkspaceIsNotChargedForIm2col() {
        ModelSpec spec = tinySpec("c4-p2-f6", 8, 4);
        long activations = Activations.activationBytes(spec, 64);
        long im2col = Activations.im2colBytes(spec, 64);
        assertThat(im2col).isGreaterThan(4096);
        for (long scratch : new long[] {im2col, 4096}) {
            // room for the activations and 4 kB more: enough only when the scratch is the bounded one
            Backend limited = (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(),
                    new Class<?>[] {Backend.class}, (proxy, m, args) -> switch (m.getName()) {
                        case "availableBytes" -> activations + 4096;
                        case "convScratchBytes" -> Math.min((long) args[0], scratch);
                        default -> {
                            try {
                                yield m.invoke(be, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                    });
            try (BpttNetwork net = new BpttNetwork(limited, BnntParams.init(spec, 1), SpikeFunction.HEAVISIDE)) {
                float[] frames = new float[spec.timesteps() * 64 * spec.input().size()];
                if (scratch == im2col) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> net.forward(frames, 64, true))
                            .hasMessageContaining("use a smaller batch");
                } else {
                    net.forward(frames, 64, true);
                }
            }
        }
    }

    @Test
    void memorySizesInMessagesUseAUnitThatShowsThem() {
        org.assertj.core.api.Assertions.assertThat(Activations.size(37_200_000_000L)).isEqualTo("37.2 GB");
        org.assertj.core.api.Assertions.assertThat(Activations.size(3_140_000L)).isEqualTo("3.1 MB");
        org.assertj.core.api.Assertions.assertThat(Activations.size(11_200L)).isEqualTo("12 kB");
        org.assertj.core.api.Assertions.assertThat(Activations.size(0L)).isEqualTo("0 kB");
    }

    @Test
    void inferenceForwardMatchesTheSnnReferenceEngineStepByStep() {
        ModelSpec spec = tinySpec("c4-p2-c4-f6", 6, 4);
        Random rnd = new Random(3);
        BnntParams params = BnntParams.init(spec, 9);
        // non-trivial running statistics so that the folded BN matters
        for (int l : List.of(0, 2, 3)) {
            for (int t = 0; t < spec.timesteps(); t++) {
                float[] m = params.runningMean(l, t);
                float[] v = params.runningVar(l, t);
                float[] g = params.gamma(l, t);
                for (int c = 0; c < m.length; c++) {
                    m[c] = (float) rnd.nextGaussian() * 0.3f;
                    v[c] = 0.2f + rnd.nextFloat();
                    g[c] = 0.5f + rnd.nextFloat();
                }
            }
        }
        int batch = 2;
        int fs = spec.input().size();
        float[] frames = randomFrames(rnd, spec.timesteps() * batch * fs);
        try (BpttNetwork net = new BpttNetwork(be, params, SpikeFunction.HEAVISIDE)) {
            net.forward(frames, batch, false);
            float[] byStep = net.scoresByStep();
            int k = spec.numClasses();
            for (int b = 0; b < batch; b++) {
                Session s = new DenseReferenceEngine(BnntModel.of(spec, params)).newSession();
                for (int t = 0; t < spec.timesteps(); t++) {
                    float[] frame = new float[fs];
                    System.arraycopy(frames, (t * batch + b) * fs, frame, 0, fs);
                    float[] ref = s.step(frame);
                    for (int j = 0; j < k; j++) {
                        assertThat(byStep[(t * batch + b) * k + j]).as("sample %d step %d class %d", b, t, j)
                                .isCloseTo(ref[j], within(2e-3f));
                    }
                }
            }
        }
    }
}
