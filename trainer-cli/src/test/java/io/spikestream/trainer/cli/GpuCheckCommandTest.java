package io.spikestream.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gpu-check through the trainer's command line where there is no GPU: the reason in gpu-check.json, exit 3. */
class GpuCheckCommandTest {

    @Test
    void withoutCudaItWritesTheReasonAndExitsThree(@TempDir Path out) throws Exception {
        Assumptions.assumeTrue(io.spikestream.trainer.diagnostics.GpuCheck.cuda().unavailableReason().isPresent(),
                "this machine has CUDA");
        CliRun r = CliRun.of(TrainerCli.commandLine(), "gpu-check", "--out", out.toString(), "--skip-bench", "--json");
        assertThat(r.exit()).as(r.err()).isEqualTo(3);
        JsonNode file = JsonOut.mapper().readTree(out.resolve("gpu-check.json").toFile());
        assertThat(file.get("cuda_available").asBoolean()).isFalse();
        assertThat(file.get("reason").asText()).isNotBlank();
        assertThat(file.get("reference_self_check").asBoolean()).isTrue();
        assertThat(r.json()).isEqualTo(file);
        assertThat(Files.readString(out.resolve("gpu-check.txt"))).startsWith("CUDA is not usable here: ");
        assertThat(r.err()).contains("wrote " + out.resolve("gpu-check.json"));
    }

    @Test
    void badUsageIsExitTwo(@TempDir Path out) {
        assertThat(CliRun.of(TrainerCli.commandLine(), "gpu-check", "--skip-bench").exit()).isEqualTo(2);
        assertThat(CliRun.of(TrainerCli.commandLine(), "gpu-check", "--out", out.toString(), "--bogus", "1").exit())
                .isEqualTo(2);
        assertThat(CliRun.of(TrainerCli.commandLine(), "gpu-check", "--out", out.toString(), "--input", "2x48").exit())
                .isEqualTo(2);
    }
}
