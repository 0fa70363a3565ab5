package io.spikestream.trainer.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.trainer.backend.BackendProvider;
import io.spikestream.trainer.backend.Backends;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Selection with and without a GPU: registered, preferred by auto, a clear reason when absent. */
class CudaBackendProviderTest {

    @Test
    void isRegisteredAndPreferredOverTheCpu() {
        assertThat(Backends.providers()).extracting(BackendProvider::name).containsSubsequence("cuda", "cpu");
    }

    @Test
    void withoutCudaAutoFallsBackToTheCpuAndSaysWhy() {
        Optional<String> why = CudaAvailability.unavailableReason();
        Assumptions.assumeTrue(why.isPresent(), "this machine has CUDA: the fallback is not exercised here");
        System.err.println("cuda unavailable here: " + why.get());
        assertThat(why.get()).isNotBlank();
        Backends.Selection s = Backends.choose("auto");
        try {
            assertThat(s.backend().name()).isEqualTo("cpu");
            assertThat(s.description()).contains("using cpu").contains("cuda unavailable: " + why.get());
        } finally {
            s.backend().close();
        }
        assertThatThrownBy(() -> Backends.choose("cuda")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backend cuda is not available").hasMessageContaining(why.get());
        assertThatThrownBy(() -> new CudaBackendProvider().create()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withCudaAutoTakesIt() {
        CudaAvailability.assumeCuda();
        Backends.Selection s = Backends.choose("auto");
        try {
            assertThat(s.backend().name()).isEqualTo("cuda");
            assertThat(s.backend().device()).isNotBlank();
        } finally {
            s.backend().close();
        }
    }

    @Test
    void optionsComeFromPropertiesAndRejectNonsense() {
        String old = System.getProperty("spikestream.cuda.strictFp32");
        try {
            System.setProperty("spikestream.cuda.strictFp32", "true");
            assertThat(CudaOptions.fromEnvironment().strictFp32()).isTrue();
            System.setProperty("spikestream.cuda.strictFp32", "false");
            assertThat(CudaOptions.fromEnvironment().strictFp32()).isFalse();
        } finally {
            if (old == null) {
                System.clearProperty("spikestream.cuda.strictFp32");
            } else {
                System.setProperty("spikestream.cuda.strictFp32", old);
            }
        }
        System.setProperty("spikestream.cuda.device", "gpu0");
        try {
            assertThatThrownBy(CudaOptions::fromEnvironment).hasMessageContaining("gpu0");
        } finally {
            System.clearProperty("spikestream.cuda.device");
        }
    }

    @Test
    void allocatorRoundsSoThatSameShapesShareBlocks() {
        assertThat(DeviceAllocator.round(1)).isEqualTo(512);
        assertThat(DeviceAllocator.round(512)).isEqualTo(512);
        assertThat(DeviceAllocator.round(513)).isEqualTo(1024);
        assertThat(DeviceAllocator.round((1 << 20) + 1)).isEqualTo(2L << 20);
        assertThatThrownBy(() -> DeviceAllocator.round(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
