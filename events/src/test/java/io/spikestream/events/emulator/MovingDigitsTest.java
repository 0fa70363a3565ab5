package io.spikestream.events.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.dataset.DatasetSplit;
import io.spikestream.events.dataset.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovingDigitsTest {
    @TempDir
    Path tmp;

    @Test
    void planSplitsEachDigitNinetyTen() {
        List<DigitSetGenerator.Item> items = DigitSetGenerator.plan(200, 0.9);
        assertThat(items).filteredOn(DigitSetGenerator.Item::train).hasSize(180);
        assertThat(items).filteredOn(i -> i.digit() == 3 && !i.train()).hasSize(2);
        assertThat(items.get(0).relativeOutput()).isEqualTo("Train/0/00001.bin");
        assertThat(items.get(199).relativeOutput()).isEqualTo("Test/9/00002.bin");
    }

    @Test
    void generatesAnNmnistLayoutTheReaderLoads() {
        Path out = tmp.resolve("digits");
        EmulationSummary s = DigitSetGenerator.generate(out, 40, 0.9, MovingDigitsProtocol.defaults(), 3, 2,
                EmulationProgress.NONE);
        assertThat(s.recordings()).isEqualTo(40);
        assertThat(out.resolve("Train/7/00001.bin")).exists();
        assertThat(out.resolve("Test/7/00001.bin")).exists();

        Dataset ds = Dataset.open(out, DatasetKind.AUTO);
        assertThat(ds.kind()).isEqualTo(DatasetKind.NMNIST);
        assertThat(ds.samples()).hasSize(40);
        DatasetSplit split = ds.predefinedSplit().orElseThrow();
        assertThat(split.train()).hasSize(30);
        assertThat(split.test()).hasSize(10);
        Sample first = ds.samples().get(0);
        EventBatch b = ds.read(first);
        assertThat(b.geometry()).isEqualTo(SensorGeometry.NMNIST);
        // N-MNIST-like: a few thousand events over about 300 ms
        assertThat(b.size()).isBetween(1_000, 20_000);
        assertThat(b.t(b.size() - 1)).isBetween(250_000L, 300_000L);
    }

    @Test
    void sameSeedSameFilesWhateverTheThreadCount() throws Exception {
        DigitSetGenerator.generate(tmp.resolve("a"), 20, 0.9, MovingDigitsProtocol.defaults(), 5, 1, EmulationProgress.NONE);
        DigitSetGenerator.generate(tmp.resolve("b"), 20, 0.9, MovingDigitsProtocol.defaults(), 5, 3, EmulationProgress.NONE);
        for (DigitSetGenerator.Item item : DigitSetGenerator.plan(20, 0.9)) {
            assertThat(Files.readAllBytes(tmp.resolve("a").resolve(item.relativeOutput())))
                    .isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(item.relativeOutput())));
        }
    }
}
