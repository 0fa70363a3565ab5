package io.spikestream.trainer.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.trainer.backend.reference.ReferenceBackend;
import io.spikestream.trainer.diagnostics.Equivalence;
import io.spikestream.trainer.diagnostics.TrainingComparison;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Backends;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CUDA kernels' Java twins (through {@link ReferenceBackend}) against the ND4J backend on random
 * inputs: every primitive, and a short training run of a small conv net. This is what makes the
 * reference a trustworthy oracle for the GPU.
 */
class ReferenceBackendTest {
    private static Backend cpu;
    private static final ReferenceBackend REF = new ReferenceBackend();

    @BeforeAll
    static void open() {
        cpu = Backends.select("cpu");
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Test
    void everyPrimitiveAgreesWithTheNd4jBackend() {
        for (long seed : new long[] {1, 2}) {
            Equivalence eq = new Equivalence(REF, cpu, Equivalence.Tolerance.strictFp32(), seed).primitives();
            assertThat(eq.results()).hasSizeGreaterThan(30);
            assertThat(eq.allPassed()).as(eq.report()).isTrue();
        }
    }

    @Test
    void aShortTrainingRunGivesTheSameLosses() {
        TrainingComparison.Result run = TrainingComparison.run(REF, cpu, TrainingComparison.smallSpec(), 6, 4, 3, 1e-4);
        assertThat(run.passed()).as("losses %s vs %s", java.util.Arrays.toString(run.lossesA()),
                java.util.Arrays.toString(run.lossesB())).isTrue();
        // it trains: the loss moves
        assertThat(run.lossesA()[3]).isNotEqualTo(run.lossesA()[0]);
    }

    @Test
    void theComparisonNoticesADifference() {
        float[] ref = {1f, 2f, 3f};
        assertThat(Equivalence.compare("x", new float[] {1f, 2f, 3.01f}, ref, Equivalence.Tolerance.strictFp32()).passed()).isFalse();
        assertThat(Equivalence.compare("x", new float[] {1f, 2f, 3.0001f}, ref, Equivalence.Tolerance.strictFp32()).passed()).isTrue();
        assertThat(Equivalence.compare("x", new float[] {1f, Float.NaN, 3f}, ref, Equivalence.Tolerance.tf32()).passed()).isFalse();
    }
}
