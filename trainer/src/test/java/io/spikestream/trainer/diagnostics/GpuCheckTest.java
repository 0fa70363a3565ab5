package io.spikestream.trainer.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The GPU machine's self-check where there is no GPU: a clear "not here", exit 3; and its whole flow on the reference. */
class GpuCheckTest {
    private final List<String> lines = new ArrayList<>();
    private final Consumer<String> log = lines::add;

    @Test
    void withoutCudaItSaysSoAndStillChecksTheReference() {
        GpuCheck.Options o = GpuCheck.Options.defaults().withSkipBench(true);
        GpuCheck.Report r = GpuCheck.run(o, GpuCheck.cuda(), log);
        assertThat(r.exitCode()).isEqualTo(GpuCheck.Report.CUDA_UNUSABLE);
        assertThat(r.json()).containsEntry("cuda_available", false).containsEntry("reference_self_check", true);
        assertThat((String) r.json().get("reason")).contains("no CUDA backend is on the class path");
        assertThat(r.text()).startsWith("CUDA is not usable here: ");
    }

    /** The whole check (equivalence, training runs, benchmark, report) with the reference standing in for CUDA. */
    @Test
    void theWholeFlowRunsWithTheReferenceStandingInForTheGpu() {
        GpuCheck.Device reference = new GpuCheck.Device() {
            @Override
            public Optional<String> unavailableReason() {
                return Optional.empty();
            }

            @Override
            public Backend open(boolean strictFp32) {
                return new ReferenceBackend();
            }
        };
        GpuCheck.Options o = GpuCheck.Options.defaults().withBenchmark("c4-p2-f8", new int[] {2, 8, 8}, 3, 4, 2, 1)
                .withQuick(true);
        GpuCheck.Report r = GpuCheck.run(o, reference, log);
        assertThat(r.exitCode()).as(r.text()).isEqualTo(GpuCheck.Report.PASSED);
        assertThat(r.json()).containsEntry("cuda_available", true).containsEntry("primitives_strict_fp32_passed", true)
                .containsEntry("primitives_tf32_passed", true).containsEntry("passed", true)
                .containsKeys("training_strict_fp32_vs_reference", "bench_tf32", "bench_strict_fp32");
        Map<?, ?> bench = (Map<?, ?>) r.json().get("bench_tf32");
        assertThat(bench.containsKey("samples_per_second")).isTrue();
        assertThat((List<?>) bench.get("profile_2_steps")).extracting(row -> String.valueOf(((Map<?, ?>) row).get("op")))
                .contains("conv3x3Forward [12, 2, 8, 8] 2->4");
        assertThat(r.text()).contains("GPU CHECK PASSED", "training samples/s", "profile (bench_tf32, 2 steps");
        assertThat(lines).contains("GPU CHECK PASSED");
    }
}
