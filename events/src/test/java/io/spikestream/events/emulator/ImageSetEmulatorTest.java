package io.spikestream.events.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.dataset.Sample;
import io.spikestream.events.io.Recordings;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSetEmulatorTest {
    @TempDir
    Path tmp;

    /** Two tiny images per class plus every kind of bad input. */
    private Path images() throws Exception {
        Path root = tmp.resolve("images");
        String[] classes = {"airplane", "cat", "ship"};
        for (int c = 0; c < classes.length; c++) {
            Path dir = Files.createDirectories(root.resolve(classes[c]));
            for (int i = 0; i < 2; i++) {
                ImageIO.write(pattern(c, i), "png", dir.resolve(i + ".png").toFile());
            }
        }
        Files.write(root.resolve("cat/broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        Files.write(root.resolve("cat/empty.png"), new byte[0]);
        Files.writeString(root.resolve("cat/notes.txt"), "not an image");
        Files.writeString(root.resolve("ship/fake.png"), "plain text, not a PNG");
        Files.write(root.resolve("ship/huge.png"), pngHeader(20_000, 20_000));
        Files.createDirectories(root.resolve("dog"));
        Files.writeString(root.resolve("README.md"), "loose file");
        return root;
    }

    /** A PNG signature, an IHDR chunk claiming a huge image and an empty IDAT chunk. */
    private static byte[] pngHeader(int w, int h) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        b.putInt(13);
        int typeAt = b.position();
        b.put(new byte[] {'I', 'H', 'D', 'R'}).putInt(w).putInt(h).put(new byte[] {8, 2, 0, 0, 0});
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b.array(), typeAt, 17);
        b.putInt((int) crc.getValue());
        b.putInt(0).put(new byte[] {'I', 'D', 'A', 'T'});
        crc.reset();
        crc.update(new byte[] {'I', 'D', 'A', 'T'});
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private static BufferedImage pattern(int c, int i) {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                boolean ink = switch (c) {
                    case 0 -> ((x + i) / 4) % 2 == 0;          // vertical stripes
                    case 1 -> ((y + i) / 4) % 2 == 0;          // horizontal stripes
                    default -> (x - 16) * (x - 16) + (y - 16) * (y - 16) < 80 + 20 * i; // disc
                };
                img.setRGB(x, y, ink ? 0xE0E0E0 : 0x202020);
            }
        }
        return img;
    }

    private static Cifar10DvsProtocol fast() {
        // a short recording keeps the test quick; everything else is the default protocol
        Cifar10DvsProtocol d = Cifar10DvsProtocol.defaults();
        return new Cifar10DvsProtocol(d.sensor(), d.imageSidePx(), d.blackLevel(), d.loopRadiusPx(), d.loopPeriodUs(),
                150_000, 200_000, d.refreshHz(), d.maxShiftPx(), d.supersampling(), d.dvs());
    }

    @Test
    void emulatesGoodImagesReportsBadOnesAndTheReaderLoadsTheResult() throws Exception {
        Path root = images();
        ImageSetEmulator.Plan plan = ImageSetEmulator.plan(root, 0);
        Path out = tmp.resolve("out");
        AtomicInteger done = new AtomicInteger();
        EmulationSummary s = ImageSetEmulator.run(plan, out, fast(), 42, 2, (ev, skipped) -> done.incrementAndGet());

        assertThat(s.recordings()).isEqualTo(6);
        assertThat(s.events()).isPositive();
        assertThat(done.get()).isEqualTo(plan.items().size());
        assertThat(s.skipped()).extracting(Skipped::path).containsExactlyInAnyOrder(
                "README.md", "dog/", "cat/notes.txt", "cat/broken.jpg", "cat/empty.png", "ship/fake.png", "ship/huge.png");
        assertThat(s.skipped()).filteredOn(k -> k.path().equals("ship/huge.png")).first()
                .extracting(Skipped::reason).asString().contains("20000x20000 pixels exceeds the limit");
        assertThat(s.skipped()).filteredOn(k -> k.path().equals("cat/empty.png")).first()
                .extracting(Skipped::reason).asString().contains("zero-size");
        assertThat(s.skipped()).filteredOn(k -> k.path().equals("ship/fake.png")).first()
                .extracting(Skipped::reason).asString().contains("not a decodable image");

        Path first = out.resolve("airplane/cifar10_airplane_0.aedat");
        assertThat(first).exists();
        EventBatch b = Recordings.readAll(first);
        assertThat(b.geometry()).isEqualTo(SensorGeometry.DVS128);
        assertThat(b.size()).isPositive();
        for (int i = 1; i < b.size(); i++) {
            assertThat(b.t(i)).isGreaterThanOrEqualTo(b.t(i - 1));
        }

        Dataset ds = Dataset.open(out, DatasetKind.CIFAR10_DVS);
        List<Sample> samples = ds.samples();
        assertThat(samples).hasSize(6);
        assertThat(samples).extracting(Sample::className).containsOnly("airplane", "cat", "ship");
    }

    @Test
    void outputIsTheSameWhateverTheThreadCount() throws Exception {
        Path root = images();
        ImageSetEmulator.Plan plan = ImageSetEmulator.plan(root, 0);
        ImageSetEmulator.run(plan, tmp.resolve("one"), fast(), 7, 1, EmulationProgress.NONE);
        ImageSetEmulator.run(plan, tmp.resolve("three"), fast(), 7, 3, EmulationProgress.NONE);
        for (ImageSetEmulator.Item item : plan.items()) {
            if (item.image().getFileName().toString().matches("\\d\\.png")) {
                byte[] a = Files.readAllBytes(tmp.resolve("one").resolve(item.relativeOutput()));
                byte[] b = Files.readAllBytes(tmp.resolve("three").resolve(item.relativeOutput()));
                assertThat(a).as(item.relativeOutput()).isEqualTo(b);
            }
        }
        ImageSetEmulator.run(plan, tmp.resolve("other"), fast(), 8, 2, EmulationProgress.NONE);
        assertThat(Files.readAllBytes(tmp.resolve("other/cat/cifar10_cat_0.aedat")))
                .isNotEqualTo(Files.readAllBytes(tmp.resolve("one/cat/cifar10_cat_0.aedat")));
    }

    @Test
    void limitPerClassKeepsTheFirstImagesAndTheirIndices() throws Exception {
        ImageSetEmulator.Plan plan = ImageSetEmulator.plan(images(), 1);
        assertThat(plan.items()).extracting(ImageSetEmulator.Item::relativeOutput).containsExactly(
                "airplane/cifar10_airplane_0.aedat", "cat/cifar10_cat_0.aedat", "ship/cifar10_ship_0.aedat");
    }

    @Test
    void folderWithoutClassFoldersIsAnError() throws Exception {
        Path flat = Files.createDirectories(tmp.resolve("flat"));
        ImageIO.write(pattern(0, 0), "png", flat.resolve("a.png").toFile());
        assertThatThrownBy(() -> ImageSetEmulator.plan(flat, 0)).hasMessageContaining("has no class folders");
        assertThatThrownBy(() -> ImageSetEmulator.plan(tmp.resolve("missing"), 0)).hasMessageContaining("does not exist");
    }

    @Test
    void recordingsLookLikeCifar10Dvs() throws Exception {
        // default protocol: duration within the published range, both polarities, sensor-wide
        Cifar10DvsProtocol p = Cifar10DvsProtocol.defaults();
        PictureRecorder rec = new PictureRecorder(p.sensorPattern(1));
        EventBatch b = p.record(pattern(2, 1), rec, 99);
        assertThat(b.size()).isGreaterThan(10_000);
        long on = 0;
        int xMin = 999;
        int xMax = -1;
        for (int i = 0; i < b.size(); i++) {
            on += b.on(i) ? 1 : 0;
            xMin = Math.min(xMin, b.x(i));
            xMax = Math.max(xMax, b.x(i));
        }
        assertThat((double) on / b.size()).isBetween(0.3, 0.7);
        assertThat(b.t(b.size() - 1)).isBetween(1_000_000L, 1_460_000L);
        assertThat(xMax - xMin).isGreaterThan(100);
    }
}
