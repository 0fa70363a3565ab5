package io.spikestream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.checkpoint.ResumeState;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FrameMode;
import io.spikestream.trainer.data.Augmentation;
import io.spikestream.trainer.data.ToyTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CI learning test: a tiny network learns a tiny self-made two-class event task. */
class TrainingRunLearningTest {

    static TrainingRun.Options options(Path data, Path out, int epochs, boolean resume) {
        TrainConfig cfg = new TrainConfig(epochs, 10, 0.1f, TrainConfig.MOMENTUM, TrainConfig.WEIGHT_DECAY, 7,
                Augmentation.NONE, 2);
        TrainingRun.Framing framing = new TrainingRun.Framing(FrameMode.TIME_WINDOW, 5000, 0, 17, 17, CountMode.BINARY, 1);
        return new TrainingRun.Options(data, DatasetKind.FOLDERS, "c4-p2-f16", 4, framing, cfg, "cpu", 0.25, out, resume,
                "test", "test");
    }

    @Test
    void tinyNetworkLearnsTheToyTaskAndWritesACalibratedCheckpoint(@TempDir Path dir) {
        Path data = ToyTask.write(dir.resolve("toy"), 40, 1);
        Path out = dir.resolve("toy.ckpt");
        List<Trainer.EpochReport> epochs = new ArrayList<>();
        long start = System.nanoTime();
        TrainingRun.Result r = TrainingRun.run(options(data, out, 6, false), new TrainingRun.Listener() {
            @Override
            public void epochDone(Trainer.EpochReport report, io.spikestream.trainer.net.BpttNetwork net) {
                epochs.add(report);
            }
        });
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(60);
        assertThat(epochs).hasSize(6);
        assertThat(r.bestAccuracy()).as("validation accuracy").isGreaterThanOrEqualTo(0.9f);
        assertThat(r.accuracyByStep()).hasSize(4);
        assertThat(r.accuracyByStep()[3]).isGreaterThanOrEqualTo(0.9f);

        BnntModel m = CheckpointCodec.read(out);
        assertThat(m.spec().layerSpec()).isEqualTo("c4-p2-f16-f2");
        assertThat(m.spec().classNames()).containsExactlyElementsOf(ToyTask.CLASSES);
        assertThat(m.provenance().backend()).isEqualTo("cpu-nd4j");
        assertThat(m.provenance().validationSamples()).isEqualTo(20);
        assertThat(m.provenance().accuracyByStep().size()).isEqualTo(4);
        assertThat(m.earlyExit().samples()).isEqualTo(20);
        assertThat(m.earlyExit().table()).isNotEmpty();
        assertThat(Files.exists(TrainingRun.resumeFile(out))).isTrue();
    }

    @Test
    void theSameSeedGivesTheSameModel(@TempDir Path dir) {
        Path data = ToyTask.write(dir.resolve("toy"), 12, 4);
        TrainingRun.Options a = options(data, dir.resolve("a.ckpt"), 2, false);
        TrainConfig aug = new TrainConfig(2, 10, 0.1f, TrainConfig.MOMENTUM, TrainConfig.WEIGHT_DECAY, 7,
                new Augmentation(true, 2), 3);
        TrainingRun.Options b = new TrainingRun.Options(data, a.datasetKind(), a.architecture(), a.timesteps(),
                a.framing(), aug, "cpu", 0.25, dir.resolve("b.ckpt"), false, "", "");
        TrainingRun.Options c = new TrainingRun.Options(data, a.datasetKind(), a.architecture(), a.timesteps(),
                a.framing(), new TrainConfig(2, 10, 0.1f, TrainConfig.MOMENTUM, TrainConfig.WEIGHT_DECAY, 7,
                        new Augmentation(true, 2), 1), "cpu", 0.25, dir.resolve("c.ckpt"), false, "", "");
        BnntModel ma = TrainingRun.run(a, new TrainingRun.Listener() { }).model();
        BnntModel mb = TrainingRun.run(b, new TrainingRun.Listener() { }).model();
        BnntModel mc = TrainingRun.run(c, new TrainingRun.Listener() { }).model();
        // augmentation and loader threads: same seed, same parameters whatever the thread count
        assertThat(mb.params()).isEqualTo(mc.params());
        assertThat(mb.modelId()).isEqualTo(mc.modelId());
        assertThat(ma.modelId()).isNotEqualTo(mb.modelId());
    }

    @Test
    void resumeContinuesFromTheSavedEpochAndRefusesAnotherModel(@TempDir Path dir) {
        Path data = ToyTask.write(dir.resolve("toy"), 12, 2);
        Path out = dir.resolve("toy.ckpt");
        TrainingRun.run(options(data, out, 1, false), new TrainingRun.Listener() { });
        ResumeState state = CheckpointCodec.readContents(TrainingRun.resumeFile(out)).resumeState().orElseThrow();
        assertThat(state.epochsDone()).isEqualTo(1);
        assertThat(state.momentum()).hasSize(5); // conv w and γ, fc w and γ, readout w
        List<Integer> seen = new ArrayList<>();
        TrainingRun.run(options(data, out, 2, true), new TrainingRun.Listener() {
            @Override
            public void epochDone(Trainer.EpochReport report, io.spikestream.trainer.net.BpttNetwork net) {
                seen.add(report.epoch());
            }
        });
        assertThat(seen).containsExactly(1);
        TrainingRun.Options other = options(data, out, 3, true);
        TrainingRun.Options changed = new TrainingRun.Options(other.data(), other.datasetKind(), "c8-p2-f16",
                other.timesteps(), other.framing(), other.train(), "cpu", 0.25, out, true, "", "");
        assertThatThrownBy(() -> TrainingRun.run(changed, new TrainingRun.Listener() { }))
                .hasMessageContaining("--resume").hasMessageContaining("c4-p2-f16-f2");
    }
}
