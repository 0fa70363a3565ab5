package io.spikestream.trainer.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.trainer.FramingOptions;
import io.spikestream.trainer.TrainConfig;
import io.spikestream.trainer.TrainingListener;
import io.spikestream.trainer.TrainingOptions;
import io.spikestream.trainer.TrainingResult;
import io.spikestream.trainer.TrainingRun;
import io.spikestream.trainer.backend.reference.ReferenceBackend;
import io.spikestream.trainer.backend.reference.ReferenceBackendProvider;
import io.spikestream.trainer.data.ToyTask;
import io.spikestream.events.dataset.DatasetKind;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --backend reference: chosen by name only, and it trains (the GPU package's CPU rehearsal). */
class ReferenceBackendSelectionTest {

    @Test
    void chosenByNameAndNeverByAuto() {
        assertThat(Backends.providers()).anyMatch(p -> p instanceof ReferenceBackendProvider);
        try (Backend be = Backends.choose("reference").backend()) {
            assertThat(be).isInstanceOf(ReferenceBackend.class);
            assertThat(be.implementation()).isEqualTo("java-reference");
        }
        Backends.Selection auto = Backends.choose("auto");
        try (Backend be = auto.backend()) {
            assertThat(be).isNotInstanceOf(ReferenceBackend.class);
            assertThat(auto.description()).doesNotContain("reference");
        }
    }

    @Test
    void trainsATinyNetwork(@TempDir Path dir) {
        Path data = ToyTask.write(dir.resolve("toy"), 8, 2);
        TrainConfig cfg = TrainConfig.builder().epochs(1).batchSize(4).learningRate(0.1f).seed(7).build();
        TrainingResult r = TrainingRun.run(TrainingOptions.builder().data(data).datasetKind(DatasetKind.FOLDERS)
                .architecture("c2-p2-f8").timesteps(3).framing(FramingOptions.binaryTimeWindow(5000, 9, 9)).train(cfg)
                .backend("reference").validationSplit(0.25).out(dir.resolve("r.ckpt")).commandLine("test")
                .softwareVersion("test").build(), new TrainingListener() { });
        assertThat(r.epochs()).isEqualTo(1);
        assertThat(r.model().provenance().backend()).isEqualTo("java-reference");
        assertThat(r.model().provenance().device()).isEqualTo("JVM");
        assertThat(r.backendDescription()).isEqualTo("backend reference");
    }
}
