package io.spikestream.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikestream.app.cli.testing.CliRun;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.trainer.data.ToyTask;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --time-budget and --dataset emulated-images through the root command line. */
class TrainBudgetAndEmulationCommandTest {
    @TempDir
    Path dir;

    static CliRun run(String... args) {
        return TrainCommandsTest.run(args);
    }

    private String[] toyTrain(Path data, Path out, String... extra) {
        String[] base = {"train", "--dataset", "folders", "--data", data.toString(), "--arch", "c4-p2-f16", "--timesteps",
            "4", "--window-us", "5000", "--frame-size", "17x17", "--epochs", "3", "--batch", "8", "--seed", "5",
            "--backend", "cpu", "--val-split", "0.25", "--out", out.toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void aTimeBudgetLowersTheEpochsAndTheCheckpointRecordsThem() throws Exception {
        Path data = ToyTask.write(dir.resolve("toy"), 12, 3);
        Path out = dir.resolve("b.ckpt");
        CliRun r = run(toyTrain(data, out, "--time-budget", "1ms", "--json"));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("epochs").asInt()).isEqualTo(1);
        assertThat(j.get("epochs_requested").asInt()).isEqualTo(3);
        assertThat(j.get("time_budget_s").asDouble()).isEqualTo(0.001);
        assertThat(j.get("stopped_by_budget").asBoolean()).isFalse();
        assertThat(j.get("framing_s").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(r.err()).contains("train: time budget 0 s:").contains("-> 1 of at most 3 epochs").contains("epoch 1/1 ");
        assertThat(CheckpointCodec.read(out).provenance().epochs()).isEqualTo(1);
        assertThat(CheckpointCodec.read(out).provenance().commandLine()).contains("--time-budget 1ms");

        CliRun roomy = run(toyTrain(data, dir.resolve("c.ckpt"), "--time-budget", "1h"));
        assertThat(roomy.exit()).as(roomy.err()).isZero();
        assertThat(roomy.out()).contains("after 3 epochs,");
        assertThat(roomy.err()).contains("-> 3 of at most 3 epochs (learning rate /10 after epochs 2)");
    }

    @Test
    void badBudgetsAreUsageErrors() throws Exception {
        Path data = ToyTask.write(dir.resolve("toy"), 4, 3);
        Path out = dir.resolve("x.ckpt");
        assertThat(run(toyTrain(data, out, "--time-budget", "0")).exit()).isEqualTo(2);
        assertThat(run(toyTrain(data, out, "--time-budget", "soon")).exit()).isEqualTo(2);
        CliRun resume = run(toyTrain(data, out, "--time-budget", "2m", "--resume"));
        assertThat(resume.exit()).isEqualTo(2);
        assertThat(resume.err()).contains("--time-budget cannot be combined with --resume");
        assertThat(run("train", "--data", data.toString(), "--out", out.toString(), "--dataset", "pictures").exit())
                .isEqualTo(2);
        CliRun help = run("train", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--time-budget=DURATION").contains("emulated-images");
    }

    private Path images() throws Exception {
        Path root = dir.resolve("images");
        String[] classes = {"bird", "ship"};
        for (int c = 0; c < classes.length; c++) {
            Path d = Files.createDirectories(root.resolve(classes[c]));
            for (int i = 0; i < 6; i++) {
                BufferedImage im = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        boolean on = c == 0 ? ((x + i) / 2) % 2 == 0 : ((y + i) / 2) % 2 == 0;
                        im.setRGB(x, y, on ? 0xFFFFFF : 0);
                    }
                }
                ImageIO.write(im, "png", d.resolve(i + ".png").toFile());
            }
        }
        return root;
    }

    @Test
    void trainAndEvalOnImagesEmulatedInMemory() throws Exception {
        Path images = images();
        Path out = dir.resolve("e.ckpt");
        CliRun r = run("train", "--dataset", "emulated-images", "--data", images.toString(), "--arch",
                "c2-p2-f8", "--timesteps", "3", "--window-us", "200000", "--frame-size", "16x16", "--epochs", "1",
                "--batch", "4", "--backend", "reference", "--val-split", "0.34", "--loader-threads", "2", "--out",
                out.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("data read, emulated and framed in").contains("backend reference");
        assertThat(r.json().get("epochs").asInt()).isEqualTo(1);
        var m = CheckpointCodec.read(out);
        assertThat(m.provenance().dataset()).isEqualTo("emulated-images");
        assertThat(m.spec().classNames()).containsExactlyElementsOf(Dataset.CIFAR10_CLASSES);
        assertThat(m.provenance().trainSamples() + m.provenance().validationSamples()).isEqualTo(12);
        CliRun e = run("eval", "--model", out.toString(), "--data", images.toString(), "--dataset",
                "emulated-images", "--subset", "validation", "--val-split", "0.34", "--backend", "reference", "--json");
        assertThat(e.exit()).as(e.err()).isZero();
        assertThat(e.json().get("samples").asInt()).isEqualTo(m.provenance().validationSamples());
    }
}
