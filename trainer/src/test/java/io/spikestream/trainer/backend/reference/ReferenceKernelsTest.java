package io.spikestream.trainer.backend.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The kernels' Java twins on cases small enough to work out by hand. */
class ReferenceKernelsTest {

    @Test
    void bnttForwardNormalisesPerStepIntegratesSpikesAndResetsBySubtraction() {
        // T = 2, B = 2, C = 1, S = 1: z(t=0) = {1, 3}, z(t=1) = {0, 4}
        float[] z = {1, 3, 0, 4};
        float[] gamma = {2, 1};
        float[] rm = {0, 0};
        float[] rv = {1, 1};
        float[] mean = new float[2];
        float[] inv = new float[2];
        ReferenceKernels.bnttStats(z, rm, rv, mean, inv, 2, 2, 1, 1, 1e-4f, 0.1f, true);
        assertThat(mean).containsExactly(2f, 2f);
        assertThat(inv[0]).isCloseTo((float) (1 / Math.sqrt(1 + 1e-4)), within(1e-7f)); // biased var 1
        assertThat(inv[1]).isCloseTo((float) (1 / Math.sqrt(4 + 1e-4)), within(1e-7f)); // biased var 4
        assertThat(rm).containsExactly(0.2f, 0.2f);
        assertThat(rv[0]).isCloseTo(0.9f + 0.1f * 2f, within(1e-6f)); // unbiased var 2
        assertThat(rv[1]).isCloseTo(0.9f + 0.1f * 8f, within(1e-6f)); // unbiased var 8
        float[] xhat = new float[4];
        float[] mem = new float[4];
        float[] spikes = new float[4];
        ReferenceKernels.bnttLifForward(z, gamma, mean, inv, xhat, mem, spikes, 2, 2, 1, 1, 0.5f, 1f, false);
        // t=0: xhat ≈ {-1, 1}; U = 2·xhat ≈ {-2, 2}: sample 1 spikes and keeps U − 1 ≈ 1
        assertThat(mem[0]).isCloseTo(-2f, within(1e-3f));
        assertThat(mem[1]).isCloseTo(2f, within(1e-3f));
        assertThat(spikes[0]).isZero();
        assertThat(spikes[1]).isEqualTo(1f);
        // t=1: xhat ≈ {-1, 1}; U = 0.5·{-2, 1} + 1·xhat ≈ {-2, 1.5}
        assertThat(mem[2]).isCloseTo(-2f, within(1e-3f));
        assertThat(mem[3]).isCloseTo(1.5f, within(1e-3f));
        assertThat(spikes[3]).isEqualTo(1f);
    }

    @Test
    void inferenceUsesTheRunningStatisticsAndLeavesThemAlone() {
        float[] z = {1, 3};
        float[] rm = {0.5f};
        float[] rv = {4f};
        float[] mean = new float[1];
        float[] inv = new float[1];
        ReferenceKernels.bnttStats(z, rm, rv, mean, inv, 1, 2, 1, 1, 1e-4f, 0.1f, false);
        assertThat(mean[0]).isEqualTo(0.5f);
        assertThat(inv[0]).isEqualTo((float) (1.0 / Math.sqrt(4f + 1e-4f)));
        assertThat(rm[0]).isEqualTo(0.5f);
        assertThat(rv[0]).isEqualTo(4f);
    }

    @Test
    void surrogateGradientIsTheTriangleAndFlowsThroughTheLeak() {
        // T = 2, one neuron: U = {0.5, 1.2}; dL/dS = {1, 1}
        float[] gs = {1, 1};
        float[] mem = {0.5f, 1.2f};
        float[] gz = new float[2];
        ReferenceKernels.bnttLifBackwardMem(gs, mem, gz, 2, 1, 1, 1, 0.9f, 1f, false);
        float fp1 = 0.3f * (1f - Math.abs(1.2f - 1f));
        float fp0 = 0.3f * (1f - Math.abs(0.5f - 1f));
        assertThat(gz[1]).isCloseTo(fp1, within(1e-7f));
        assertThat(gz[0]).isCloseTo(fp0 + 0.9f * fp1, within(1e-7f));
    }

    @Test
    void theBlockReductionSumsWhatASequentialSumDoes() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 3 * ReferenceKernels.BLOCK + 17;
        double[] s1 = new double[ReferenceKernels.BLOCK];
        double[] s2 = new double[ReferenceKernels.BLOCK];
        double seq = 0;
        for (int j = 0; j < n; j++) {
            double v = rnd.nextDouble() - 0.5;
            seq += v;
            s1[j % ReferenceKernels.BLOCK] += v;
            s2[j % ReferenceKernels.BLOCK] += 2 * v;
        }
        ReferenceKernels.blockSum(s1, s2);
        assertThat(s1[0]).isCloseTo(seq, within(1e-12));
        assertThat(s2[0]).isCloseTo(2 * seq, within(1e-12));
    }

    @Test
    void softmaxCrossEntropyOfUniformLogitsIsLogK() {
        float[] logits = new float[2 * 4];
        float[] grad = new float[8];
        double[] rows = new double[2];
        ReferenceKernels.softmaxXent(logits, new int[] {1, 3}, grad, rows, 2, 4);
        assertThat(ReferenceKernels.meanLoss(rows, 2)).isCloseTo((float) Math.log(4), within(1e-6f));
        assertThat(grad[1]).isCloseTo((0.25f - 1) / 2, within(1e-7f));
        assertThat(grad[0]).isCloseTo(0.25f / 2, within(1e-7f));
    }
}
