package io.spikestream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.trainer.net.BpttNetwork;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.checkpoint.ResumeState;
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

    static TrainingOptions options(Path data, Path out, int epochs, boolean resume) {
        TrainConfig cfg = TrainConfig.builder().epochs(epochs).batchSize(10).learningRate(0.1f).seed(7).loaderThreads(2)
                .build();
        return TrainingOptions.builder().data(data).datasetKind(DatasetKind.FOLDERS).architecture("c4-p2-f16").timesteps(4)
                .framing(FramingOptions.binaryTimeWindow(5000, 17, 17)).train(cfg).backend("cpu").validationSplit(0.25)
                .out(out).resume(resume).commandLine("test").softwareVersion("test").build();
    }

    @Test
    void tinyNetworkLearnsTheToyTaskAndWritesACalibratedCheckpoint(@TempDir Path dir) {
        Path data = ToyTask.write(dir.resolve("toy"), 40, 1);
        Path out = dir.resolve("toy.ckpt");
        List<Trainer.EpochReport> epochs = new ArrayList<>();
        long start = System.nanoTime();
        TrainingResult r = TrainingRun.run(options(data, out, 6, false), new TrainingListener() {
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
        TrainingOptions a = options(data, dir.resolve("a.ckpt"), 2, false);
        TrainConfig aug = a.train().toBuilder().augmentation(new Augmentation(true, 2)).loaderThreads(3).build();
        TrainingOptions b = a.toBuilder().train(aug).out(dir.resolve("b.ckpt")).commandLine("").softwareVersion("").build();
        TrainingOptions c = b.toBuilder().train(aug.toBuilder().loaderThreads(1).build()).out(dir.resolve("c.ckpt")).build();
        BnntModel ma = TrainingRun.run(a, new TrainingListener() { }).model();
        BnntModel mb = TrainingRun.run(b, new TrainingListener() { }).model();
        BnntModel mc = TrainingRun.run(c, new TrainingListener() { }).model();
        // augmentation and loader threads: same seed, same parameters whatever the thread count
        assertThat(mb.params()).isEqualTo(mc.params());
        assertThat(mb.modelId()).isEqualTo(mc.modelId());
        assertThat(ma.modelId()).isNotEqualTo(mb.modelId());
    }

    @Test
    void resumeContinuesFromTheSavedEpochAndRefusesAnotherModel(@TempDir Path dir) {
        Path data = ToyTask.write(dir.resolve("toy"), 12, 2);
        Path out = dir.resolve("toy.ckpt");
        TrainingRun.run(options(data, out, 1, false), new TrainingListener() { });
        ResumeState state = CheckpointCodec.readContents(TrainingRun.resumeFile(out)).resumeState().orElseThrow();
        assertThat(state.epochsDone()).isEqualTo(1);
        assertThat(state.momentum()).hasSize(5); // conv w and γ, fc w and γ, readout w
        List<Integer> seen = new ArrayList<>();
        TrainingRun.run(options(data, out, 2, true), new TrainingListener() {
            @Override
            public void epochDone(Trainer.EpochReport report, io.spikestream.trainer.net.BpttNetwork net) {
                seen.add(report.epoch());
            }
        });
        assertThat(seen).containsExactly(1);
        TrainingOptions changed = options(data, out, 3, true).toBuilder().architecture("c8-p2-f16").build();
        assertThatThrownBy(() -> TrainingRun.run(changed, new TrainingListener() { }))
                .hasMessageContaining("--resume").hasMessageContaining("c4-p2-f16-f2");
    }
}
