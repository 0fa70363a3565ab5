package io.spikestream.snn.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.Recordings;
import io.spikestream.events.testing.SharedData;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.TinyNets;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.Framer;
import io.spikestream.snn.framing.FramingSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Real N-MNIST recordings framed by the Framer: both engines agree exactly on every step. */
class RealRecordingsEngineTest {

    @Test
    void enginesAgreeOnRealFrames() {
        Path root = SharedData.require("data/nmnist-small/Train");
        FramingSpec clipped = FramingSpec.timeWindow(SensorGeometry.NMNIST, 20_000, 34, 34, CountMode.CLIPPED, 4);
        ModelSpec spec = ModelSpec.of("nmnist", clipped.frameShape(), 15, clipped, TinyNets.classes(10));
        BnntModel model = TinyNets.randomModel(spec, 21);
        InspectableSession dense = new DenseReferenceEngine(model).newSession();
        InspectableSession sparse = new SparseEngine(model).newSession();
        long active = 0;
        for (String digit : new String[] {"0", "7"}) {
            Path dir = root.resolve(digit);
            Path file;
            try (var files = java.nio.file.Files.list(dir)) {
                file = files.filter(p -> p.toString().endsWith(".bin")).sorted().findFirst().orElseThrow();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            EventBatch events = Recordings.readAll(file);
            float[][] frames = Framer.frames(events, clipped, 15);
            dense.reset();
            sparse.reset();
            for (int t = 0; t < frames.length; t++) {
                for (float v : frames[t]) {
                    active += v != 0 ? 1 : 0;
                }
                float[] a = dense.step(frames[t]).clone();
                assertThat(sparse.step(frames[t])).as(file + " step " + t).containsExactly(a);
                assertThat(sparse.membrane(2)).containsExactly(dense.membrane(2));
            }
        }
        assertThat(active).isGreaterThan(1000);
    }
}
