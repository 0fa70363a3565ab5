package io.spikestream.trainer.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.trainer.backend.reference.ReferenceBackend;
import io.spikestream.trainer.diagnostics.Equivalence;
import io.spikestream.trainer.diagnostics.TrainingComparison;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.ModelSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Backends;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.backend.Tensor;
import io.spikestream.trainer.net.BpttNetwork;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * CUDA against the CPU: every primitive against the kernels' Java twins, and short training runs
 * against both the reference and the ND4J backend. Needs a GPU with CUDA 13, cuDNN 9 and NVRTC;
 * skipped with the reason elsewhere.
 */
class CudaBackendTest {
    private static final ReferenceBackend REF = new ReferenceBackend();

    private static CudaBackend open(boolean strict) {
        CudaAvailability.assumeCuda();
        return new CudaBackend(CudaOptions.fromEnvironment().withStrictFp32(strict));
    }

    @Test
    void everyPrimitiveMatchesTheReferenceInStrictFp32() {
        try (CudaBackend gpu = open(true)) {
            Equivalence eq = new Equivalence(gpu, REF, Equivalence.Tolerance.strictFp32(), 11).primitives();
            System.err.println(gpu.device() + " / " + gpu.implementation() + "\n" + eq.report());
            assertThat(eq.allPassed()).as(eq.report()).isTrue();
        }
    }

    @Test
    void everyPrimitiveMatchesTheReferenceWithTf32WithinTf32Tolerance() {
        try (CudaBackend gpu = open(false)) {
            Equivalence eq = new Equivalence(gpu, REF, Equivalence.Tolerance.tf32(), 12).primitives();
            assertThat(eq.allPassed()).as(eq.report()).isTrue();
        }
    }

    @Test
    void aShortTrainingRunMatchesTheCpuBackendsInStrictFp32() {
        try (CudaBackend gpu = open(true); Backend cpu = Backends.select("cpu")) {
            ModelSpec spec = TrainingComparison.smallSpec();
            TrainingComparison.Result vsRef = TrainingComparison.run(gpu, REF, spec, 8, 8, 5, 1e-3);
            assertThat(vsRef.passed()).as("cuda %s vs reference %s", Arrays.toString(vsRef.lossesA()),
                    Arrays.toString(vsRef.lossesB())).isTrue();
            TrainingComparison.Result vsNd4j = TrainingComparison.run(gpu, cpu, spec, 8, 8, 5, 1e-3);
            assertThat(vsNd4j.passed()).as("cuda %s vs nd4j %s", Arrays.toString(vsNd4j.lossesA()),
                    Arrays.toString(vsNd4j.lossesB())).isTrue();
        }
    }

    @Test
    void steadyStateTrainingAllocatesNoDeviceMemory() {
        try (CudaBackend gpu = open(false)) {
            ModelSpec spec = TrainingComparison.smallSpec();
            int batch = 8;
            float[] frames = new float[spec.timesteps() * batch * spec.input().size()];
            Arrays.fill(frames, 0, frames.length / 7, 1f);
            int[] labels = {0, 1, 2, 3, 0, 1, 2, 3};
            try (BpttNetwork net = new BpttNetwork(gpu, BnntParams.init(spec, 1), SpikeFunction.HEAVISIDE)) {
                for (int i = 0; i < 2; i++) {
                    net.forward(frames, batch, true);
                    net.loss(labels);
                    net.backward();
                    net.step(0.1f, 0.9f, 1e-4f);
                }
                long mallocs = gpu.mallocCount();
                for (int i = 0; i < 5; i++) {
                    net.forward(frames, batch, true);
                    assertThat(net.loss(labels)).isFinite();
                    net.backward();
                    net.step(0.1f, 0.9f, 1e-4f);
                }
                assertThat(gpu.mallocCount()).as(gpu.memoryReport()).isEqualTo(mallocs);
            }
        }
    }

    @Test
    void loadsMachineCodeForTheDeviceAndReportsFreeMemory() {
        try (CudaBackend gpu = open(false)) {
            assertThat(gpu.implementation()).as(gpu.device()).containsPattern("kernels (sm|compute)_\\d+");
            long free = gpu.availableBytes();
            try (Tensor big = gpu.allocate(64 << 20)) { // 256 MiB
                assertThat(gpu.availableBytes()).isLessThan(free);
            }
            assertThat(gpu.availableBytes()).as("released memory is cached, hence available").isGreaterThanOrEqualTo(free - (1 << 20));
        }
    }

    @Test
    void rejectsForeignTensorsAndBadLabels() {
        try (CudaBackend gpu = open(false); Tensor host = REF.allocate(4); Tensor dev = gpu.allocate(4);
                Tensor logits = gpu.allocate(2, 3); Tensor grad = gpu.allocate(2, 3)) {
            assertThatThrownBy(() -> gpu.axpy(1f, host, dev)).hasMessageContaining("does not belong");
            assertThatThrownBy(() -> gpu.softmaxCrossEntropy(logits, new int[] {0, 3}, grad))
                    .hasMessageContaining("label 3 at batch index 1");
        }
    }
}
