package io.spikestream.trainer.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel source without a GPU: every kernel the host launches is defined with the parameter
 * list the host passes (parsed from the source), and, where nvcc is installed, the source compiles
 * to PTX for sm_90 with the backend's NVRTC options, the PTX entry points take exactly those
 * parameter types, and no float FMA was contracted (the bit-for-bit agreement with the Java twins
 * depends on it).
 */
class KernelSourceTest {
    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(([^)]*)\\)");

    static Map<String, String> sourceSignatures(String source) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = KERNEL.matcher(source);
        while (m.find()) {
            StringBuilder sig = new StringBuilder();
            for (String param : m.group(2).split(",")) {
                String p = param.trim().replaceAll("\\s+", " ");
                if (p.contains("*")) {
                    sig.append('p');
                } else if (p.startsWith("int ")) {
                    sig.append('i');
                } else if (p.startsWith("float ")) {
                    sig.append('f');
                } else {
                    sig.append('?');
                }
            }
            out.put(m.group(1), sig.toString());
        }
        return out;
    }

    @Test
    void everyLaunchedKernelIsDefinedWithTheHostsParameterList() {
        Map<String, String> defined = sourceSignatures(KernelSource.text());
        assertThat(defined).containsExactlyInAnyOrderEntriesOf(KernelSource.SIGNATURES);
    }

    @Test
    void targetsTheDevicesOwnArchitectureAsMachineCodeElsePtxForTheNewestBelow() {
        int[] nvrtc131 = {75, 80, 86, 87, 88, 89, 90, 100, 103, 110, 120, 121};
        assertThat(Kernels.target(90, nvrtc131)).isEqualTo("sm_90");
        assertThat(Kernels.target(89, nvrtc131)).isEqualTo("sm_89");
        assertThat(Kernels.target(130, nvrtc131)).isEqualTo("compute_121");
        assertThat(Kernels.target(95, new int[] {80, 90})).isEqualTo("compute_90");
        assertThatThrownBy(() -> Kernels.target(70, nvrtc131)).hasMessageContaining("sm_70");
        assertThat(Kernels.options("sm_90")).containsExactly("--fmad=false", "--gpu-architecture=sm_90");
    }

    static Optional<Path> nvcc() {
        List<Path> candidates = new ArrayList<>();
        String home = System.getenv("CUDA_HOME");
        if (home != null) {
            candidates.add(Path.of(home, "bin", "nvcc"));
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "nvcc"));
                }
            }
        }
        candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
        candidates.add(Path.of("/usr/local/cuda-13.0/bin/nvcc"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    @Test
    void compilesToPtxForHopperWithTheParameterTypesTheHostPasses(@TempDir Path dir) throws Exception {
        Optional<Path> nvcc = nvcc();
        Assumptions.assumeTrue(nvcc.isPresent(), "nvcc not found (PATH, CUDA_HOME, /usr/local/cuda): PTX check skipped");
        Path src = dir.resolve("kernels.cu");
        Files.writeString(src, KernelSource.text());
        Path ptx = dir.resolve("kernels.ptx");
        List<String> cmd = new ArrayList<>(List.of(nvcc.get().toString(), "--ptx", "-arch=sm_90"));
        cmd.addAll(KernelSource.NVRTC_OPTIONS);
        cmd.addAll(List.of("-o", ptx.toString(), src.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("nvcc finished").isTrue();
        assertThat(p.exitValue()).as("nvcc %s:%n%s", cmd, log).isZero();
        String text = Files.readString(ptx);
        assertThat(ptxSignatures(text)).containsExactlyInAnyOrderEntriesOf(KernelSource.SIGNATURES);
        assertThat(text).as("float FMA contracted despite --fmad=false").doesNotContain("fma.rn.f32");
    }

    /** Entry points of a PTX file and their parameter kinds (.u64 pointer, .u32 int, .f32 float). */
    static Map<String, String> ptxSignatures(String ptx) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\\.entry (\\w+)\\(([^)]*)\\)", Pattern.DOTALL).matcher(ptx);
        while (m.find()) {
            StringBuilder sig = new StringBuilder();
            Matcher pm = Pattern.compile("\\.param \\.(\\w+) ").matcher(m.group(2));
            while (pm.find()) {
                sig.append(switch (pm.group(1)) {
                    case "u64" -> 'p';
                    case "u32", "s32" -> 'i';
                    case "f32" -> 'f';
                    default -> '?';
                });
            }
            out.put(m.group(1), sig.toString());
        }
        return out;
    }
}
