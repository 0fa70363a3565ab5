package io.spikestream.trainer.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The backend's own NVRTC path (JavaCPP → libnvrtc), no GPU needed: kernels.cu compiles for the
 * H100's sm_90 with the options the backend uses, cleanly (empty log), into machine code holding
 * every kernel the host launches, and into PTX whose entry points take the host's parameter types.
 * Opt-in: needs libnvrtc.so.13 and libcudart.so.13 on LD_LIBRARY_PATH, and libcuda.so.1 (the JNI
 * wrapper links it; a stub whose functions all return CUDA_ERROR_NO_DEVICE will do), e.g.
 * {@code LD_LIBRARY_PATH=/tmp/stubcuda:/tmp/redist/lib mvn -o -pl trainer test -Dtest=NvrtcCompileTest}.
 * Skipped with that message where NVRTC does not load (CI).
 */
class NvrtcCompileTest {

    private static void assumeNvrtc() {
        String why = null;
        try {
            Loader.load(nvrtc.class);
        } catch (Throwable e) {
            why = String.valueOf(e);
        }
        String reason = why;
        Assumptions.assumeTrue(reason == null, () -> "NVRTC test skipped: libnvrtc could not be loaded (" + reason
                + "); put libnvrtc.so.13, libcudart.so.13 and a libcuda.so.1 (a stub will do) on LD_LIBRARY_PATH to run it");
    }

    @Test
    void compilesCleanlyToSm90MachineCodeWithEveryLaunchedKernel() {
        assumeNvrtc();
        int[] major = new int[1];
        int[] minor = new int[1];
        nvrtc.nvrtcVersion(major, minor);
        String target = Kernels.target(90, Kernels.supportedArchs());
        assertThat(target).as("NVRTC %d.%d targets for an H100", major[0], minor[0]).isEqualTo("sm_90");
        long t0 = System.nanoTime();
        Kernels.Image image = Kernels.compile(KernelSource.text(), target);
        System.err.printf("NVRTC %d.%d: %d bytes of sm_90 CUBIN in %.0f ms%n", major[0], minor[0], image.bytes().length,
                (System.nanoTime() - t0) / 1e6);
        assertThat(image.log()).as("NVRTC log (warnings)").isBlank();
        assertThat(image.cubin()).isTrue();
        byte[] b = image.bytes();
        assertThat(new byte[] {b[0], b[1], b[2], b[3]}).as("ELF magic").isEqualTo(new byte[] {0x7f, 'E', 'L', 'F'});
        String symbols = new String(b, StandardCharsets.ISO_8859_1);
        for (String k : KernelSource.KERNELS) {
            assertThat(symbols).as("kernel %s in the CUBIN", k).contains("\0" + k + "\0");
        }
    }

    @Test
    void ptxForHopperHasTheHostsParameterTypesAndNoFloatFma() throws Exception {
        assumeNvrtc();
        Kernels.Image image = Kernels.compile(KernelSource.text(), "compute_90");
        assertThat(image.log()).isBlank();
        assertThat(image.cubin()).isFalse();
        String ptx = new String(image.bytes(), StandardCharsets.US_ASCII);
        assertThat(ptx).contains(".target sm_90");
        Map<String, String> entries = KernelSourceTest.ptxSignatures(ptx);
        assertThat(entries).containsExactlyInAnyOrderEntriesOf(KernelSource.SIGNATURES);
        assertThat(ptx).as("float FMA contracted despite --fmad=false").doesNotContain("fma.rn.f32");
    }

    @Test
    void aCompileErrorCarriesNvrtcsLog() {
        assumeNvrtc();
        assertThatThrownBy(() -> Kernels.compile("extern \"C\" __global__ void k(float* p) { p[0] = no_such_name; }", "sm_90"))
                .isInstanceOf(CudaRuntime.CudaException.class)
                .hasMessageContaining("NVRTC_ERROR_COMPILATION").hasMessageContaining("no_such_name");
    }
}
