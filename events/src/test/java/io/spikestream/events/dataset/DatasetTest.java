package io.spikestream.events.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.Aedat2Writer;
import io.spikestream.events.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
    @TempDir
    Path dir;

    /** A placeholder recording: one byte, enough for a file that is listed (not decoded). */
    private void touch(String rel) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }

    @Test
    void cifarLayoutUsesCanonicalLabelsAndNaturalOrder() throws IOException {
        for (String c : List.of("truck", "airplane")) {
            for (int i = 0; i < 20; i++) {
                touch(c + "/cifar10_" + c + "_" + i + ".aedat");
            }
        }
        Dataset d = Dataset.open(dir, DatasetKind.AUTO);
        assertThat(d.kind()).isEqualTo(DatasetKind.CIFAR10_DVS);
        assertThat(d.classNames()).isEqualTo(Dataset.CIFAR10_CLASSES);
        assertThat(d.samples()).hasSize(40);
        assertThat(d.samples().get(0).id()).isEqualTo("airplane/cifar10_airplane_0.aedat");
        assertThat(d.samples().get(10).id()).isEqualTo("airplane/cifar10_airplane_10.aedat");
        assertThat(d.samples().get(20).label()).isEqualTo(9);
        DatasetSplit s = d.splitByIndex(0.9);
        assertThat(s.train()).hasSize(36);
        assertThat(s.test()).extracting(Sample::id).contains("airplane/cifar10_airplane_18.aedat",
                "airplane/cifar10_airplane_19.aedat", "truck/cifar10_truck_19.aedat").hasSize(4);
    }

    @Test
    void randomSplitIsSeededPerClassAndDisjoint() throws IOException {
        for (String c : List.of("a", "b", "c")) {
            for (int i = 0; i < 10; i++) {
                touch(c + "/" + i + ".bin");
            }
        }
        Dataset d = Dataset.open(dir, DatasetKind.FOLDERS);
        assertThat(d.classNames()).containsExactly("a", "b", "c");
        DatasetSplit s1 = d.splitRandom(0.7, 42);
        DatasetSplit s2 = d.splitRandom(0.7, 42);
        DatasetSplit s3 = d.splitRandom(0.7, 43);
        assertThat(s1).isEqualTo(s2);
        assertThat(s1.train()).isNotEqualTo(s3.train());
        assertThat(s1.train()).hasSize(21).filteredOn(x -> x.label() == 1).hasSize(7);
        Set<Sample> all = new HashSet<>(s1.train());
        all.addAll(s1.test());
        assertThat(all).hasSize(30);
        assertThat(s1.train()).doesNotContainAnyElementsOf(s1.test());
    }

    @Test
    void nmnistRootAndTrainFolder() throws IOException {
        touch("Train/0/00002.bin");
        touch("Train/0/00010.bin");
        touch("Train/7/00001.bin");
        touch("Test/3/00004.bin");
        Dataset root = Dataset.open(dir, DatasetKind.AUTO);
        assertThat(root.kind()).isEqualTo(DatasetKind.NMNIST);
        assertThat(root.classNames()).hasSize(10);
        assertThat(root.samples()).extracting(Sample::id)
                .containsExactly("Train/0/00002.bin", "Train/0/00010.bin", "Test/3/00004.bin", "Train/7/00001.bin");
        assertThat(root.predefinedSplit().orElseThrow().test()).extracting(Sample::label).containsExactly(3);
        Dataset train = Dataset.open(dir.resolve("Train"), DatasetKind.AUTO);
        assertThat(train.kind()).isEqualTo(DatasetKind.NMNIST);
        assertThat(train.samples()).extracting(Sample::id).containsExactly("0/00002.bin", "0/00010.bin", "7/00001.bin");
        assertThat(train.samples().get(2).label()).isEqualTo(7);
    }

    @Test
    void emptyAndMixedFoldersAreClearErrors() throws IOException {
        Files.createDirectories(dir.resolve("cat"));
        assertThatThrownBy(() -> Dataset.open(dir, DatasetKind.AUTO)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("holds no recordings").hasMessageContaining("cat");
        touch("cat/1.aedat");
        touch("cat/2.bin");
        assertThatThrownBy(() -> Dataset.open(dir, DatasetKind.AUTO)).hasMessageContaining("mixes recording formats");
        Files.delete(dir.resolve("cat/2.bin"));
        touch("loose.aedat");
        assertThatThrownBy(() -> Dataset.open(dir, DatasetKind.AUTO)).hasMessageContaining("mixes recordings");
        Files.delete(dir.resolve("loose.aedat"));
        touch("zebra/1.aedat");
        assertThatThrownBy(() -> Dataset.open(dir, DatasetKind.CIFAR10_DVS)).hasMessageContaining("zebra");
        assertThatThrownBy(() -> Dataset.open(dir.resolve("nope"), DatasetKind.AUTO)).hasMessageContaining("does not exist");
    }

    @Test
    void emptyFilesAndDanglingLinksAreReportedSkipsNotSamples() throws IOException {
        touch("a/1.bin");
        touch("a/2.bin");
        Files.write(dir.resolve("a/3.bin"), new byte[0]);
        Files.createSymbolicLink(dir.resolve("a/4.bin"), dir.resolve("a/gone.bin"));
        touch("b/1.bin");
        Dataset d = Dataset.open(dir, DatasetKind.FOLDERS);
        assertThat(d.samples()).extracting(Sample::id).containsExactly("a/1.bin", "a/2.bin", "b/1.bin");
        assertThat(d.skippedInputs()).containsExactly(dir.resolve("a/3.bin") + ": empty file",
                dir.resolve("a/4.bin") + ": a dangling symbolic link (to " + dir.resolve("a/gone.bin") + ")");
        // a class with nothing usable is an error that names what was unusable
        Files.delete(dir.resolve("b/1.bin"));
        Files.write(dir.resolve("b/1.bin"), new byte[0]);
        assertThatThrownBy(() -> Dataset.open(dir, DatasetKind.FOLDERS)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("holds no recordings").hasMessageContaining("b/1.bin: empty file");
    }

    @Test
    void orientationFlips() throws IOException {
        EventBuffer b = new EventBuffer(SensorGeometry.DVS128);
        b.add(0, 1, true, 5);
        Files.createDirectories(dir.resolve("cat"));
        Aedat2Writer.write(dir.resolve("cat/0.aedat"), b.toBatch());
        Dataset d = Dataset.open(dir, DatasetKind.CIFAR10_DVS, Orientation.FLIP_XY);
        EventBatch e = d.read(d.samples().get(0));
        assertThat(e.x(0)).isEqualTo(127);
        assertThat(e.y(0)).isEqualTo(126);
        assertThat(Orientation.FLIP_Y.apply(e).y(0)).isEqualTo(1);
    }

    @Test
    void sharedNmnistSmall() {
        Path p = SharedData.require("data/nmnist-small");
        Dataset d = Dataset.open(p, DatasetKind.AUTO);
        assertThat(d.kind()).isEqualTo(DatasetKind.NMNIST);
        assertThat(d.samples()).hasSize(1000);
        assertThat(d.samples().get(0).id()).startsWith("Train/0/");
        EventBatch e = d.read(d.samples().get(0));
        assertThat(e.geometry()).isEqualTo(SensorGeometry.NMNIST);
        assertThat(e.size()).isGreaterThan(100);
    }
}
