package io.spikestream.trainer.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPU machine's self-check where there is no GPU: a clear "not here", a JSON file, exit 3. */
class GpuCheckTest {

    @Test
    void withoutCudaItSaysSoAndWritesTheReason(@TempDir Path out) throws Exception {
        Assumptions.assumeTrue(CudaAvailability.unavailableReason().isPresent(), "this machine has CUDA");
        assertThat(GpuCheck.run(new String[] {"--out", out.toString(), "--skip-bench"})).isEqualTo(3);
        String json = Files.readString(out.resolve("gpu-check.json"));
        assertThat(json).contains("\"cuda_available\":false").contains("\"reason\":\"")
                .contains("\"reference_self_check\":true");
        assertThat(Files.readString(out.resolve("gpu-check.txt"))).startsWith("CUDA is not usable here: ");
    }

    /** The whole check (equivalence, training runs, benchmark, JSON) with the reference standing in for CUDA. */
    @Test
    void theWholeFlowRunsWithTheReferenceStandingInForTheGpu(@TempDir Path out) throws Exception {
        GpuCheck.Device reference = new GpuCheck.Device() {
            @Override
            public java.util.Optional<String> unavailableReason() {
                return java.util.Optional.empty();
            }

            @Override
            public io.spikestream.trainer.backend.Backend open(boolean strictFp32) {
                return new ReferenceBackend();
            }
        };
        int rc = GpuCheck.run(new String[] {"--out", out.toString(), "--quick", "--arch", "c4-p2-f8", "--input", "2x8x8",
            "--timesteps", "3", "--batch", "4", "--iterations", "2", "--warmup", "1"}, reference);
        String json = Files.readString(out.resolve("gpu-check.json"));
        assertThat(rc).as(Files.readString(out.resolve("gpu-check.txt"))).isZero();
        assertThat(json).contains("\"cuda_available\":true", "\"primitives_strict_fp32_passed\":true",
                "\"primitives_tf32_passed\":true", "\"training_strict_fp32_vs_reference\"", "\"bench_tf32\"",
                "\"bench_strict_fp32\"", "\"samples_per_second\"", "\"passed\":true", "\"profile_2_steps\"",
                "\"op\":\"conv3x3Forward [12, 2, 8, 8] 2->4\"");
        assertThat(Files.readString(out.resolve("gpu-check.txt"))).contains("GPU CHECK PASSED", "training samples/s",
                "profile (bench_tf32, 2 steps");
    }

    @Test
    void badUsageIsExitTwo() {
        assertThat(GpuCheck.run(new String[] {"--skip-bench"})).isEqualTo(2);
        assertThat(GpuCheck.run(new String[] {"--out", "x", "--bogus", "1"})).isEqualTo(2);
    }

    @Test
    void jsonIsEscapedAndNonFiniteNumbersBecomeNull() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\nd");
        m.put("f", new float[] {1.5f, Float.NaN});
        m.put("l", List.of(1, true));
        assertThat(GpuCheck.toJson(m)).isEqualTo("{\"s\":\"a\\\"b\\\\c\\nd\",\"f\":[1.5,null],\"l\":[1,true]}");
    }
}
