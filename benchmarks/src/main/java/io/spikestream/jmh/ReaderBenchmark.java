package io.spikestream.jmh;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.Aedat2Writer;
import io.spikestream.events.io.NmnistWriter;
import io.spikestream.events.io.RecordingFormat;
import io.spikestream.events.io.RecordingReader;
import io.spikestream.events.io.Recordings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode throughput of the recording readers on one core, in events per second (the score is per
 * event: each invocation decodes a whole file of {@link #EVENTS} events into a reused buffer).
 * Files are synthetic, written by our writers into a temp dir: AEDAT 2.0 DVS128 (8 bytes/event,
 * 32 MB) and N-MNIST (5 bytes/event, timestamps past 2^23 µs, so with overflow markers). The file
 * stays in the page cache, so this measures decoding, not the disk. Target for AEDAT 2.0: at least
 * 50 million events/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(1)
public class ReaderBenchmark {
    static final int EVENTS = 4_000_000;

    private Path dir;
    private Path aedat2;
    private Path nmnist;
    private EventBuffer buffer;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("reader-bench");
        aedat2 = dir.resolve("bench.aedat");
        nmnist = dir.resolve("bench.bin");
        Aedat2Writer.write(aedat2, synthetic(SensorGeometry.DVS128, 1));
        NmnistWriter.write(nmnist, synthetic(SensorGeometry.NMNIST, 2));
        buffer = new EventBuffer(SensorGeometry.DVS128, 1 << 16);
        if (decode(aedat2, RecordingFormat.AEDAT2) != EVENTS || decode(nmnist, RecordingFormat.NMNIST) != EVENTS) {
            throw new IllegalStateException("benchmark files do not read back " + EVENTS + " events");
        }
    }

    private static EventBatch synthetic(SensorGeometry g, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        EventBuffer b = new EventBuffer(g, EVENTS);
        long t = 0;
        for (int i = 0; i < EVENTS; i++) {
            t += r.nextInt(4);
            b.add(r.nextInt(g.width()), r.nextInt(g.height()), r.nextBoolean(), t);
        }
        return b.toBatch();
    }

    private long decode(Path file, RecordingFormat format) {
        long n = 0;
        long sum = 0;
        try (RecordingReader r = Recordings.open(file, format)) {
            while (true) {
                buffer.clear();
                int k = r.read(buffer, 1 << 16);
                if (k == 0) {
                    break;
                }
                n += k;
                sum += buffer.t(k - 1);
            }
        }
        return sum == Long.MIN_VALUE ? -1 : n;
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long aedat2Dvs128() {
        return decode(aedat2, RecordingFormat.AEDAT2);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long nmnist() {
        return decode(nmnist, RecordingFormat.NMNIST);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(aedat2);
        Files.deleteIfExists(nmnist);
        Files.deleteIfExists(dir);
    }
}
