package io.spikestream.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikestream.app.cli.testing.CliRun;
import io.spikestream.trainer.data.ToyTask;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, eval, model inspect and bench-train through the trainer's root command line (the GPU package's). */
class TrainCommandsTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path model;

    static CliRun run(String... args) {
        return CliRun.of(TrainerCli.commandLine(), args);
    }

    @BeforeAll
    static void train() throws Exception {
        data = ToyTask.write(dir.resolve("toy"), 16, 3);
        model = dir.resolve("toy.ckpt");
        CliRun r = run("train", "--dataset", "folders", "--data", data.toString(), "--arch", "c4-p2-f16", "--timesteps", "4",
                "--window-us", "5000", "--frame-size", "17x17", "--epochs", "3", "--batch", "8", "--seed", "5",
                "--backend", "cpu", "--val-split", "0.25", "--out", model.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.has("best_accuracy") && j.has("epochs") && j.has("samples_per_s") && j.has("checkpoint")).isTrue();
        assertThat(j.get("epochs").asInt()).isEqualTo(3);
        assertThat(r.err()).contains("epoch 3/3").contains("backend cpu");
        assertThat(Files.exists(model)).isTrue();
    }

    @Test
    void evalReportsAccuracyPerStepEarlyExitAndConfusion() throws Exception {
        CliRun r = run("eval", "--model", model.toString(), "--data", data.toString(), "--dataset", "folders",
                "--subset", "validation", "--val-split", "0.25", "--backend", "cpu", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("samples").asInt()).isEqualTo(8);
        assertThat(j.get("accuracy_by_step")).hasSize(4);
        assertThat(j.get("early_exit").has("threshold") && j.get("early_exit").has("accuracy")
                && j.get("early_exit").has("mean_steps")).isTrue();
        // the exit and the table are simulated with the checkpoint's minimum step count (1..3 from calibration)
        assertThat(j.get("early_exit").get("min_steps").asInt()).isBetween(1, 3);
        assertThat(j.get("early_exit_table_min_steps").asInt()).isEqualTo(j.get("early_exit").get("min_steps").asInt());
        assertThat(j.get("confusion")).hasSize(2);
        CliRun text = run("eval", "--model", model.toString(), "--data", data.toString(), "--dataset", "folders");
        assertThat(text.exit()).isZero();
        assertThat(text.out()).contains("accuracy by step").contains("confusion matrix").contains(", min steps ");
    }

    @Test
    void modelInspectShowsConfigAndProvenance() throws Exception {
        CliRun r = run("model", "inspect", model.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = r.json();
        for (String k : new String[] {"format_version", "timesteps", "layers", "input", "framing", "backend", "device",
            "trained_on", "accuracy_by_step"}) {
            assertThat(j.has(k)).as(k).isTrue();
        }
        assertThat(j.get("layers").asText()).isEqualTo("c4-p2-f16-f2");
        assertThat(j.get("integrity").asText()).startsWith("sha256 of the whole checkpoint verified");
        assertThat(j.get("trained_on").get("command_line").asText()).startsWith("spikestream train --dataset folders");
        assertThat(j.get("accuracy_by_step")).hasSize(4);
        assertThat(j.get("early_exit").get("min_steps").asInt()).isBetween(1, 3);
    }

    @Test
    void modelCalibrateRecalibratesOnTheHeldOutSplit() throws Exception {
        Path copy = dir.resolve("recal.ckpt");
        CliRun r = run("model", "calibrate", model.toString(), "--data", data.toString(), "--dataset", "folders",
                "--val-split", "0.25", "--backend", "cpu", "--out", copy.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json().get("samples").asInt()).isEqualTo(8);
        assertThat(r.json().get("min_steps").asInt()).isBetween(1, 3);
        assertThat(Files.exists(copy)).isTrue();
        CliRun wrongSplit = run("model", "calibrate", model.toString(), "--data", data.toString(), "--dataset", "folders",
                "--val-split", "0.5", "--backend", "cpu", "--out", copy.toString());
        assertThat(wrongSplit.exit()).isEqualTo(1);
        assertThat(wrongSplit.err()).contains("held-out split has 16 samples but the model was validated on 8");
    }

    @Test
    void anOutputThatCannotBeWrittenFailsBeforeAnyTraining() throws Exception {
        Path file = data.resolve("vertical/0000.bin");
        long t0 = System.nanoTime();
        CliRun underFile = run("train", "--data", data.toString(), "--out", file.resolve("m.ckpt").toString(),
                "--backend", "cpu");
        assertThat(underFile.exit()).isEqualTo(2);
        assertThat(underFile.err()).contains("--out " + file.resolve("m.ckpt") + ": " + file + " is not a folder");
        CliRun proc = run("train", "--data", data.toString(), "--out", "/proc/x.ckpt", "--backend", "cpu");
        assertThat(proc.exit()).isEqualTo(2);
        assertThat(proc.err()).contains("--out /proc/x.ckpt: cannot create a file in /proc");
        CliRun toDir = run("train", "--data", data.toString(), "--out", dir.toString(), "--backend", "cpu");
        assertThat(toDir.err()).contains("is a directory, not a file");
        assertThat(underFile.err() + proc.err()).doesNotContain("epoch 1/");
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds: refused before loading data").isLessThan(20);
    }

    @Test
    void evalReportsEmptyAndDanglingRecordingsAsSkipped() throws Exception {
        Path copy = dir.resolve("with-junk");
        for (String c : new String[] {"horizontal", "vertical"}) {
            Files.createDirectories(copy.resolve(c));
            try (var files = Files.list(data.resolve(c))) {
                for (Path f : files.toList()) {
                    Files.copy(f, copy.resolve(c).resolve(f.getFileName()));
                }
            }
        }
        Files.write(copy.resolve("vertical/9998.bin"), new byte[0]);
        Files.createSymbolicLink(copy.resolve("vertical/9999.bin"), copy.resolve("vertical/gone.bin"));
        CliRun r = run("eval", "--model", model.toString(), "--data", copy.toString(), "--backend", "cpu");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("skipped 2 unusable input(s)").contains("9998.bin: empty file")
                .contains("9999.bin: a dangling symbolic link");
    }

    @Test
    void badUsageExitsTwoAndFailuresExitOne() {
        assertThat(run("train", "--data", data.toString(), "--out", "x.ckpt", "--count", "weird").exit()).isEqualTo(2);
        assertThat(run("train", "--data", data.toString(), "--out", "x.ckpt", "--epochs", "0").exit()).isEqualTo(2);
        assertThat(run("eval", "--model", model.toString(), "--data", data.toString(), "--subset", "some").exit()).isEqualTo(2);
        CliRun missing = run("model", "inspect", dir.resolve("none.ckpt").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read checkpoint " + dir.resolve("none.ckpt") + ": no such file");
        CliRun foreign = run("model", "inspect", data.resolve("vertical/0000.bin").toString());
        assertThat(foreign.exit()).isEqualTo(1);
        CliRun cuda = run("bench-train", "--backend", "tpu", "--arch", "c4-f8", "--input", "2x8x8");
        assertThat(cuda.exit()).isEqualTo(1);
        assertThat(cuda.err()).contains("unknown backend 'tpu'");
    }

    @Test
    void benchTrainReportsThroughput() throws Exception {
        CliRun r = run("bench-train", "--backend", "cpu", "--arch", "c4-p2-f8", "--input", "2x8x8", "--timesteps", "3",
                "--batch", "4", "--iterations", "2", "--warmup", "1", "--inference-steps", "6", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("samples_per_s").asDouble()).isPositive();
        assertThat(j.get("inference_ms_per_step").asDouble()).isPositive();
        assertThat(j.get("backend").asText()).isEqualTo("cpu-nd4j");
    }
}
