package io.spikestream.snn.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.snn.BnntModel;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.TinyNets;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The event-driven engine must equal the dense reference within 1e-5 on every output; by design
 * (canonical summation order) it is in fact exact, and that is what is checked.
 */
class SparseEngineTest {

    @ParameterizedTest(name = "{0} at {1}x{2}")
    @CsvSource({
            "c8-p2-c16-p2-f32, 16, 16, 11",
            "c4-c6-p2-f12, 9, 7, 12",       // odd sizes: floor pooling drops the last row/column
            "f20-f10, 6, 5, 13",            // fully connected straight from the frame
            "p2-c5-f8, 8, 8, 14",           // pooling of raw counts
            "c6-p2-p2-f10, 12, 12, 15",     // pooling of pooled values
            "nmnist, 34, 34, 16",
    })
    void equalsTheDenseReferenceOnEveryOutput(String arch, int w, int h, long seed) {
        int steps = 6;
        for (float theta : new float[] {1f, 0.75f}) { // θ = 1 takes the branch-free threshold
            ModelSpec spec = TinyNets.spec(arch, w, h, steps, 4).withThreshold(theta);
            BnntModel model = TinyNets.randomModel(spec, seed);
            InspectableSession dense = new DenseReferenceEngine(model).newSession();
            // the default, always gathering and always scattering conv layers
            InspectableSession[] sparse = {
                    new SparseEngine(model).newSession(),
                    new SparseEngine(model, 0).newSession(),
                    new SparseEngine(model, Integer.MAX_VALUE / 16).newSession()};
            SplittableRandom r = new SplittableRandom(seed);
            long spikes = 0;
            for (double density : new double[] {0.0, 0.01, 0.05, 0.2, 0.6}) {
                for (int maxCount : new int[] {1, 3}) {
                    dense.reset();
                    for (InspectableSession s : sparse) {
                        s.reset();
                    }
                    for (int t = 0; t < steps; t++) {
                        float[] frame = TinyNets.randomFrame(spec.input().size(), density, maxCount, r);
                        float[] a = dense.step(frame).clone();
                        for (int k = 0; k < sparse.length; k++) {
                            InspectableSession s = sparse[k];
                            float[] b = s.step(frame);
                            String where = arch + " theta " + theta + " engine " + k + " density " + density
                                    + " counts<=" + maxCount + " step " + t;
                            assertClose(b, a, where + " scores");
                            for (int l = 0; l < spec.layers().size(); l++) {
                                float[] out = dense.layerOutput(l);
                                assertClose(s.layerOutput(l), out, where + " layer " + l + " output");
                                if (spec.spiking(l)) {
                                    assertClose(s.membrane(l), dense.membrane(l), where + " layer " + l + " membrane");
                                    for (float v : out) {
                                        spikes += v > 0 ? 1 : 0;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            assertThat(spikes).as("the comparison must exercise spiking").isGreaterThan(100);
        }
    }

    @Test
    void refusesAStepPastT() {
        ModelSpec spec = TinyNets.spec("c4-p2-f8", 8, 8, 2, 3);
        Session s = new SparseEngine(TinyNets.randomModel(spec, 1)).newSession();
        float[] frame = new float[spec.input().size()];
        s.step(frame);
        s.step(frame);
        assertThatThrownBy(() -> s.step(frame)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.step(new float[3])).isInstanceOf(IllegalArgumentException.class);
        s.reset();
        assertThat(s.step(frame)).hasSize(3);
    }

    @Test
    void stepsAllocateNothing() {
        ModelSpec spec = TinyNets.spec("nmnist", 34, 34, 10, 10);
        BnntModel model = TinyNets.randomModel(spec, 7);
        float[][] frames = new float[10][];
        SplittableRandom r = new SplittableRandom(3);
        for (int t = 0; t < frames.length; t++) {
            frames[t] = TinyNets.randomFrame(spec.input().size(), 0.05, 2, r);
        }
        for (InferenceEngine engine : new InferenceEngine[] {new SparseEngine(model), new DenseReferenceEngine(model)}) {
            Session s = engine.newSession();
            runEpisodes(s, frames, 3); // warm up
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(tid);
            runEpisodes(s, frames, 5);
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertThat(allocated).as(engine.getClass().getSimpleName() + " bytes allocated in 50 steps")
                    .isLessThan(1024);
        }
    }

    private static void runEpisodes(Session s, float[][] frames, int episodes) {
        for (int e = 0; e < episodes; e++) {
            s.reset();
            for (float[] f : frames) {
                s.step(f);
            }
        }
    }

    static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (actual[i] != expected[i]) { // exact (±0 equal); the requirement is 1e-5
                throw new AssertionError(what + " [" + i + "]: sparse " + actual[i] + " vs dense " + expected[i]);
            }
        }
    }
}
