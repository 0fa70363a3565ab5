package io.spikestream.trainer.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.trainer.TrainConfig;
import io.spikestream.trainer.TrainingRun;
import io.spikestream.trainer.backend.cuda.ReferenceBackend;
import io.spikestream.trainer.backend.cuda.ReferenceBackendProvider;
import io.spikestream.trainer.data.Augmentation;
import io.spikestream.trainer.data.ToyTask;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FrameMode;
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
        TrainConfig cfg = new TrainConfig(1, 4, 0.1f, TrainConfig.MOMENTUM, TrainConfig.WEIGHT_DECAY, 7, Augmentation.NONE, 1);
        TrainingRun.Framing framing = new TrainingRun.Framing(FrameMode.TIME_WINDOW, 5000, 0, 9, 9, CountMode.BINARY, 1);
        TrainingRun.Result r = TrainingRun.run(new TrainingRun.Options(data, DatasetKind.FOLDERS, "c2-p2-f8", 3, framing,
                cfg, "reference", 0.25, dir.resolve("r.ckpt"), false, "test", "test"), new TrainingRun.Listener() { });
        assertThat(r.epochs()).isEqualTo(1);
        assertThat(r.model().provenance().backend()).isEqualTo("java-reference");
        assertThat(r.model().provenance().device()).isEqualTo("JVM");
        assertThat(r.backendDescription()).isEqualTo("backend reference");
    }
}
