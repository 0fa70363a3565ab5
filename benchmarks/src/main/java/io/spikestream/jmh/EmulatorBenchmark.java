package io.spikestream.jmh;

import io.spikestream.events.EventBatch;
import io.spikestream.events.emulator.Cifar10DvsProtocol;
import io.spikestream.events.emulator.MovingDigitsProtocol;
import io.spikestream.events.emulator.PictureRecorder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recordings per second per core of the DVS emulator: one CIFAR10-DVS recording (128×128 sensor,
 * 1.3 s, default pixel model) or one moving-digit recording (34×34, 300 ms) per operation, cycling
 * over ten CIFAR-10 test images (one per class; synthetic stripes when ../shared is absent). Target:
 * at least 20 CIFAR10-DVS recordings/s per core. Excludes image decoding and file writing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(1)
public class EmulatorBenchmark {
    private final List<BufferedImage> images = new ArrayList<>();
    private Cifar10DvsProtocol cifar;
    private PictureRecorder cifarRecorder;
    private MovingDigitsProtocol digits;
    private PictureRecorder digitRecorder;
    private int next;
    private long seed;

    @Setup
    public void setup() throws IOException {
        Cifar10DvsProtocol d = Cifar10DvsProtocol.defaults();
        // fixed 1.3 s, the duration the target is stated for
        cifar = new Cifar10DvsProtocol(d.sensor(), d.imageSidePx(), d.blackLevel(), d.loopRadiusPx(), d.loopPeriodUs(),
                1_300_000, 1_300_000, d.refreshHz(), d.maxShiftPx(), d.supersampling(), d.dvs());
        cifarRecorder = new PictureRecorder(cifar.sensorPattern(1));
        digits = MovingDigitsProtocol.defaults();
        digitRecorder = new PictureRecorder(digits.sensorPattern(1));
        // benchmarks/jmh runs from the repository root; ../shared holds the images (never copied in)
        String shared = System.getProperty("spikestream.shared", "../shared");
        Path root = Path.of(shared).resolve("data/cifar10/test");
        if (Files.isDirectory(root)) {
            for (String c : List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")) {
                images.add(ImageIO.read(root.resolve(c).resolve("0000.jpg").toFile()));
            }
        } else {
            for (int i = 0; i < 10; i++) {
                BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        img.setRGB(x, y, ((x + y * i) / 3) % 2 == 0 ? 0xD0D0D0 : 0x303030);
                    }
                }
                images.add(img);
            }
        }
    }

    @Benchmark
    public EventBatch cifar10DvsRecording() {
        BufferedImage img = images.get(next++ % images.size());
        return cifar.record(img, cifarRecorder, seed++);
    }

    @Benchmark
    public EventBatch movingDigitRecording() {
        return digits.record(next++ % 10, digitRecorder, seed++);
    }
}
