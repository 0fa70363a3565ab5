package io.spikestream.snn.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.spikestream.snn.AvgPool2;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.Conv3x3;
import io.spikestream.snn.Dense;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.TinyNets;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reference forward pass against values worked out by hand for a tiny network over 3 steps:
 * input 2×2×2, conv 2→1 (3×3, pad 1), 2×2 average pool, dense 1→2 (spiking), readout 2→2.
 */
class DenseReferenceEngineTest {
    static final double EPS = 1e-4;
    static final double LEAK = 0.95;

    static BnntModel tinyModel() {
        FramingSpec f = TinyNets.framing(2, 2, CountMode.CLIPPED, 3);
        ModelSpec spec = new ModelSpec("c1-p2-f2", f.frameShape(),
                List.of(new Conv3x3(1), new AvgPool2(), new Dense(2), new Dense(2)), 3, 0.95f, 1f, 1e-4f, 0.1f, f,
                List.of("a", "b"));
        BnntParams p = new BnntParams(spec);
        float[] conv = p.weight(0); // [out=1][in=2][3][3]
        conv[4] = 1.0f;             // channel 0 (OFF), centre
        conv[9 + 4] = 0.5f;         // channel 1 (ON), centre
        conv[0] = 0.25f;            // channel 0, top-left tap: output (1,1) reads input (0,0)
        float[] gamma = {1.2f, 2.0f, 0.5f};
        float[] mean = {0f, 0.5f, 0f};
        float[] var = {1f, 0.25f, 4f};
        for (int t = 0; t < 3; t++) {
            p.gamma(0, t)[0] = gamma[t];
            p.runningMean(0, t)[0] = mean[t];
            p.runningVar(0, t)[0] = var[t];
        }
        float[] dense = p.weight(2); // [2][1]
        dense[0] = 2.5f;
        dense[1] = 1.5f;
        p.runningMean(2, 1)[0] = 0.5f; // BN of step 1 shifts unit 0
        float[] readout = p.weight(3); // [2][2]
        readout[0] = 1f;
        readout[1] = 0.5f;
        readout[2] = -1f;
        readout[3] = 2f;
        return BnntModel.of(spec, p);
    }

    /** Frames [OFF plane][ON plane], each 2×2 row-major. */
    static final float[][] FRAMES = {
            {1, 0, 0, 1, /* ON */ 0, 1, 0, 0},
            {1, 1, 1, 1, /* ON */ 0, 0, 0, 0},
            {0, 0, 0, 0, /* ON */ 2, 0, 0, 0},
    };

    @Test
    void matchesHandComputedValuesOverThreeSteps() {
        InspectableSession s = new DenseReferenceEngine(tinyModel()).newSession();

        // conv pre-activations z = OFF + 0.5·ON (+ 0.25·OFF(0,0) at (1,1)):
        // t0 [[1, .5], [0, 1.25]], t1 [[1, 1], [1, 1.25]], t2 [[1, 0], [0, 0]]
        double sc0 = 1.2 / Math.sqrt(1 + EPS);          // 1.19994
        double sc1 = 2.0 / Math.sqrt(0.25 + EPS);       // 3.99920
        double sh1 = -0.5 * sc1;                        // -1.99960
        double sc2 = 0.5 / Math.sqrt(4 + EPS);          // 0.24999
        double dsc = 1 / Math.sqrt(1 + EPS);            // dense BN scale, 0.99995

        // step 0: U = sc0·z → [[1.19994, 0.59997], [0, 1.49993]]; spikes at (0,0), (1,1); reset by 1
        float[] score = s.step(FRAMES[0]);
        assertThat(s.layerOutput(0)).containsExactly(1, 0, 0, 1);
        assertClose(s.membrane(0), sc0 - 1, 0.5 * sc0, 0, 1.25 * sc0 - 1);
        assertThat(s.layerOutput(1)).containsExactly(0.5f); // 2 of 4 spikes pooled
        // dense: z = [2.5, 1.5]·0.5 → U = [1.24994, 0.74996] → unit 0 fires
        assertThat(s.layerOutput(2)).containsExactly(1, 0);
        double d0 = 1.25 * dsc - 1;
        double d1 = 0.75 * dsc;
        assertClose(s.membrane(2), d0, d1);
        // readout W·S = [1, -1]; mean over 1 step
        assertClose(score, 1, -1);
        assertThat(s.steps()).isEqualTo(1);

        // step 1: U = 0.95·U + sc1·z + sh1 → all four fire (BN of step 1 differs from step 0)
        double[] u1 = {
                LEAK * (sc0 - 1) + sc1 + sh1,
                LEAK * (0.5 * sc0) + sc1 + sh1,
                sc1 + sh1,
                LEAK * (1.25 * sc0 - 1) + 1.25 * sc1 + sh1};
        assertThat(java.util.Arrays.stream(u1).min().orElseThrow()).isGreaterThan(1);
        score = s.step(FRAMES[1]);
        assertThat(s.layerOutput(0)).containsExactly(1, 1, 1, 1);
        assertClose(s.membrane(0), u1[0] - 1, u1[1] - 1, u1[2] - 1, u1[3] - 1);
        assertThat(s.layerOutput(1)).containsExactly(1f);
        // dense step 1 has running mean 0.5 on unit 0: U0 = 0.95·d0 + (2.5 − 0.5)·dsc, U1 = 0.95·d1 + 1.5·dsc
        double e0 = LEAK * d0 + (2.5 - 0.5) * dsc;
        double e1 = LEAK * d1 + 1.5 * dsc;
        assertThat(s.layerOutput(2)).containsExactly(1, 1);
        assertClose(s.membrane(2), e0 - 1, e1 - 1);
        // readout W·S = [1.5, 1]; sums [2.5, 0] over 2 steps
        assertClose(score, 2.5 / 2, 0 / 2.0);

        // step 2: z = [[1, 0], [0, 0]] (the ON count 2 times 0.5), BN scale sc2, no shift
        double[] u2 = {LEAK * (u1[0] - 1) + sc2, LEAK * (u1[1] - 1), LEAK * (u1[2] - 1), LEAK * (u1[3] - 1)};
        // 1.38007, 1.49110, 0.94962, 2.35060 → (1,0) stays below threshold
        score = s.step(FRAMES[2]);
        assertThat(s.layerOutput(0)).containsExactly(1, 1, 0, 1);
        assertClose(s.membrane(0), u2[0] - 1, u2[1] - 1, u2[2], u2[3] - 1);
        assertThat(s.layerOutput(1)).containsExactly(0.75f);
        double f0 = LEAK * (e0 - 1) + 2.5 * 0.75 * dsc;
        double f1 = LEAK * (e1 - 1) + 1.5 * 0.75 * dsc;
        assertThat(s.layerOutput(2)).containsExactly(1, 1);
        assertClose(s.membrane(2), f0 - 1, f1 - 1);
        assertThat(s.layerOutput(3)).containsExactly(1.5f, 1f);
        // readout sums [4, 1] over 3 steps
        assertClose(score, 4 / 3.0, 1 / 3.0);
        assertThat(s.steps()).isEqualTo(3);
    }

    @Test
    void refusesAStepPastTAndAWrongFrame() {
        Session s = new DenseReferenceEngine(tinyModel()).newSession();
        assertThatThrownBy(() -> s.step(new float[7])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expects 8");
        for (float[] f : FRAMES) {
            s.step(f);
        }
        assertThatThrownBy(() -> s.step(FRAMES[0])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("T=3");
    }

    @Test
    void resetStartsAnIdenticalEpisode() {
        Session s = new DenseReferenceEngine(tinyModel()).newSession();
        float[][] first = new float[3][];
        for (int t = 0; t < 3; t++) {
            first[t] = s.step(FRAMES[t]).clone();
        }
        s.reset();
        assertThat(s.steps()).isZero();
        assertThat(s.scores()).containsOnly(0f);
        for (int t = 0; t < 3; t++) {
            assertThat(s.step(FRAMES[t])).containsExactly(first[t]);
        }
    }

    static void assertClose(float[] actual, double... expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("value %d", i).isCloseTo(expected[i], within(1e-5));
        }
    }
}
