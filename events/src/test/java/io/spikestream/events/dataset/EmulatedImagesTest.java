package io.spikestream.events.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.EventBatch;
import io.spikestream.events.emulator.Cifar10DvsProtocol;
import io.spikestream.events.emulator.EmulationSummary;
import io.spikestream.events.emulator.ImageSetEmulator;
import io.spikestream.events.testing.SharedData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images read through the emulator equal the recordings `events emulate` writes for them. */
class EmulatedImagesTest {
    @TempDir
    Path tmp;

    private Path images() throws Exception {
        Path root = tmp.resolve("images");
        String[] classes = {"cat", "airplane"};
        for (int c = 0; c < classes.length; c++) {
            Path dir = Files.createDirectories(root.resolve(classes[c]));
            for (int i = 0; i < 3; i++) {
                BufferedImage im = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        int v = ((x + i) * 31 + y * (c + 1) * 17) & 0xFF;
                        im.setRGB(x, y, v << 16 | (255 - v) << 8 | (v * 3 & 0xFF));
                    }
                }
                ImageIO.write(im, "png", dir.resolve("img" + (i == 2 ? 10 : i) + ".png").toFile());
            }
        }
        Files.writeString(root.resolve("cat/notes.txt"), "not an image");
        return root;
    }

    /** What `events emulate --images images --seed 5` writes to {@code out}, opened as a data set. */
    private static Dataset emulatedToDisk(Path images, Path out, int recordings) {
        EmulationSummary s = ImageSetEmulator.run(ImageSetEmulator.plan(images, 0), out, Cifar10DvsProtocol.defaults(),
                5, 2, (n, skipped) -> { });
        assertThat(s.recordings()).isEqualTo(recordings);
        return Dataset.open(out);
    }

    @Test
    void samplesLabelsOrderAndEventsEqualTheEmulatorsRecordings() throws Exception {
        Path images = images();
        Dataset recorded = emulatedToDisk(images, tmp.resolve("out"), 6);
        Dataset emulated = Dataset.openEmulated(images, 5, Orientation.AS_DECODED);

        assertThat(emulated.kind()).isEqualTo(DatasetKind.EMULATED_IMAGES);
        assertThat(emulated.emulationSeed()).hasValue(5);
        assertThat(recorded.emulationSeed()).isEmpty();
        assertThat(emulated.classNames()).isEqualTo(recorded.classNames()).isEqualTo(Dataset.CIFAR10_CLASSES);
        List<Sample> a = recorded.samples();
        List<Sample> b = emulated.samples();
        assertThat(b).extracting(Sample::id).containsExactly("airplane/img0.png", "airplane/img1.png",
                "airplane/img10.png", "cat/img0.png", "cat/img1.png", "cat/img10.png");
        assertThat(b).extracting(Sample::label).containsExactlyElementsOf(a.stream().map(Sample::label).toList());
        for (int i = 0; i < a.size(); i++) {
            EventBatch fromFile = recorded.read(a.get(i));
            EventBatch inMemory = emulated.read(b.get(i));
            assertThat(inMemory.size()).as(b.get(i).id()).isPositive();
            assertThat(inMemory).as(b.get(i).id() + " vs " + a.get(i).id()).isEqualTo(fromFile);
        }
        // a seeded split picks the same recordings from both
        DatasetSplit sa = recorded.splitRandom(2.0 / 3, 9);
        DatasetSplit sb = emulated.splitRandom(2.0 / 3, 9);
        assertThat(sb.test().stream().map(x -> b.indexOf(x)).toList())
                .isEqualTo(sa.test().stream().map(x -> a.indexOf(x)).toList());
        // another seed is another sensor and other noise
        Dataset other = Dataset.openEmulated(images, 6, Orientation.AS_DECODED);
        assertThat(other.read(other.samples().get(0))).isNotEqualTo(emulated.read(b.get(0)));
        // the kind through open() uses the emulate command's default seed
        assertThat(Dataset.open(images, DatasetKind.EMULATED_IMAGES).emulationSeed())
                .hasValue(Dataset.DEFAULT_EMULATION_SEED);
        // the orientation option applies as for recordings
        Dataset flipped = Dataset.openEmulated(images, 5, Orientation.FLIP_X);
        assertThat(flipped.read(flipped.samples().get(0))).isEqualTo(Orientation.FLIP_X.apply(emulated.read(b.get(0))));
    }

    @Test
    void badImagesAndFoldersAreNamed() throws Exception {
        Path images = images();
        Files.write(images.resolve("cat/broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        // a sound header over damaged pixel data passes the header check and fails when read, by name
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        BufferedImage noisy = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 64 * 64; i++) {
            noisy.setRGB(i % 64, i / 64, i * 2654435761L > 0 ? (int) (i * 2654435761L) : i);
        }
        ImageIO.write(noisy, "png", png);
        byte[] whole = png.toByteArray();
        Files.write(images.resolve("cat/truncated.png"), java.util.Arrays.copyOf(whole, whole.length / 2));
        Dataset d = Dataset.openEmulated(images, 1, Orientation.AS_DECODED);
        assertThat(d.samples()).extracting(Sample::id).doesNotContain("cat/broken.jpg");
        assertThat(d.skippedInputs()).anyMatch(l -> l.startsWith("cat/broken.jpg: unreadable image"));
        Sample truncated = d.samples().stream().filter(x -> x.id().equals("cat/truncated.png")).findFirst().orElseThrow();
        assertThatThrownBy(() -> d.read(truncated)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("truncated.png").hasMessageContaining("unreadable image");
        assertThatThrownBy(() -> Dataset.openEmulated(tmp.resolve("none"), 1, Orientation.AS_DECODED))
                .isInstanceOf(DatasetException.class).hasMessageContaining("does not exist");
        Path empty = Files.createDirectories(tmp.resolve("empty/cat"));
        assertThatThrownBy(() -> Dataset.openEmulated(empty.getParent(), 1, Orientation.AS_DECODED))
                .isInstanceOf(DatasetException.class).hasMessageContaining("holds no images");
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.createDirectories(other.resolve("b"));
        Files.createDirectories(other.resolve("a"));
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", other.resolve("b/x.png").toFile());
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", other.resolve("a/x.png").toFile());
        assertThat(Dataset.openEmulated(other, 1, Orientation.AS_DECODED).classNames()).containsExactly("a", "b");
    }

    @Test
    void realCifar10ImagesEqualTheirEmulatedRecordings() {
        Path cifar = SharedData.require("data/cifar10/test");
        Dataset emulated = Dataset.openEmulated(cifar, 3, Orientation.AS_DECODED);
        assertThat(emulated.samples()).hasSize(10_000);
        assertThat(emulated.classNames()).isEqualTo(Dataset.CIFAR10_CLASSES);
        // three images across classes and indices, through the emulator's own run into AEDAT files
        ImageSetEmulator.Plan all = ImageSetEmulator.plan(cifar, 0);
        List<ImageSetEmulator.Item> picked = List.of(all.items().get(0), all.items().get(3_457), all.items().get(9_999));
        Path out = tmp.resolve("out");
        ImageSetEmulator.run(new ImageSetEmulator.Plan(cifar, picked, List.of()), out, Cifar10DvsProtocol.defaults(), 3, 2,
                (n, skipped) -> { });
        for (ImageSetEmulator.Item item : picked) {
            Sample s = emulated.samples().stream().filter(x -> x.path().equals(item.image())).findFirst().orElseThrow();
            assertThat(s.className()).isEqualTo(item.className());
            EventBatch written = io.spikestream.events.io.Recordings.readAll(out.resolve(item.relativeOutput()));
            assertThat(emulated.read(s)).as(item.relativeOutput()).isEqualTo(written);
        }
    }

    /**
     * Images `events emulate` cannot use (empty, not an image) are no samples here either, and are
     * reported; the usable ones keep their recordings (same plan index, same seed), so a data set
     * opened on the command's output still lines up sample by sample.
     */
    @Test
    void unusableImagesAreSkippedAndReportedLikeTheEmulateCommandDoes() throws Exception {
        Path images = images();
        Files.write(images.resolve("cat/img5.png"), new byte[0]);
        Files.writeString(images.resolve("airplane/img7.jpg"), "text, not a JPEG");
        Dataset recorded = emulatedToDisk(images, tmp.resolve("out-bad"), 6);
        Dataset emulated = Dataset.openEmulated(images, 5, Orientation.AS_DECODED);
        assertThat(emulated.samples()).extracting(Sample::id).containsExactly("airplane/img0.png", "airplane/img1.png",
                "airplane/img10.png", "cat/img0.png", "cat/img1.png", "cat/img10.png");
        assertThat(emulated.skippedInputs()).hasSize(3)
                .anyMatch(l -> l.startsWith("cat/img5.png: zero-size file"))
                .anyMatch(l -> l.startsWith("airplane/img7.jpg: not a decodable image"))
                .anyMatch(l -> l.contains("notes.txt"));
        for (int i = 0; i < 6; i++) {
            assertThat(emulated.read(emulated.samples().get(i))).isEqualTo(recorded.read(recorded.samples().get(i)));
        }
        assertThat(recorded.skippedInputs()).isEmpty();
    }
}
