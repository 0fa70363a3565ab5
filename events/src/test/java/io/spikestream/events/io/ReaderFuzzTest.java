package io.spikestream.events.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing: byte flips, absurd 32-bit values, truncation, duplicated and zeroed
 * ranges applied to the real fixtures (a prefix of each) and to self-made files of every format.
 * Reading a mutant may succeed or throw {@link RecordingFormatException}; anything else (another
 * exception, an out-of-memory, a hang) fails the test.
 */
class ReaderFuzzTest {
    /** Fixed so that CI is repeatable; -Dfuzz.seed and -Dfuzz.rounds explore further by hand. */
    private static final long SEED = Long.getLong("fuzz.seed", 20261127L);
    private static final int ROUNDS_PER_BASE = Integer.getInteger("fuzz.rounds", 25);
    private static final int PREFIX = 96 * 1024;

    @TempDir
    Path dir;

    record Base(String name, byte[] bytes, RecordingFormat format) {
    }

    private List<Base> bases() throws IOException {
        List<Base> out = new ArrayList<>();
        Path fixtures = SharedData.root().resolve("fixtures");
        if (Files.isDirectory(fixtures)) {
            try (Stream<Path> s = Files.walk(fixtures)) {
                for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".md")).sorted().toList()) {
                    byte[] all = Files.readAllBytes(p);
                    out.add(new Base(p.getFileName().toString(), Arrays.copyOf(all, Math.min(all.length, PREFIX)),
                            Recordings.detect(p)));
                }
            }
        }
        // self-made files so that the fuzz runs without ../shared too
        EventBatch e = WriterRoundTripTest.random(SensorGeometry.DVS128, 2000, 9, 40);
        Path a2 = dir.resolve("base.aedat");
        Aedat2Writer.write(a2, e);
        out.add(new Base("base.aedat", Files.readAllBytes(a2), RecordingFormat.AEDAT2));
        Path nb = dir.resolve("base.bin");
        NmnistWriter.write(nb, WriterRoundTripTest.random(SensorGeometry.NMNIST, 2000, 10, 4000));
        out.add(new Base("base.bin", Files.readAllBytes(nb), RecordingFormat.NMNIST));
        TestFiles.Bytes a3 = TestFiles.aedat3Header("DVS128");
        TestFiles.aedat3Packet(a3, 1, 0, 300, 300, 300);
        for (int i = 0; i < 300; i++) {
            TestFiles.aedat3Polarity(a3, i % 128, i / 3 % 128, i % 2 == 0, true, i * 10);
        }
        out.add(new Base("base3.aedat", a3.bytes(), RecordingFormat.AEDAT3));
        for (int comp : new int[] {1, 3}) {
            long[][] ev = new long[500][];
            for (int i = 0; i < ev.length; i++) {
                ev[i] = new long[] {1000 + i, i % 64, i % 48, i % 2};
            }
            TestFiles.Bytes a4 = TestFiles.aedat4Header(comp, TestFiles.aedat4Xml(64, 48, "IMUS"));
            TestFiles.aedat4Packet(a4, 0, TestFiles.compress(comp, TestFiles.evtsPacket(ev)));
            TestFiles.aedat4Packet(a4, 1, TestFiles.compress(comp, TestFiles.elementsPacket("IMUS", 8)));
            TestFiles.aedat4Packet(a4, 0, TestFiles.compress(comp, TestFiles.evtsPacket(ev)));
            out.add(new Base("base" + comp + ".aedat4", a4.bytes(), RecordingFormat.AEDAT4));
        }
        TestFiles.Bytes e2 = TestFiles.evt2Header();
        TestFiles.Bytes e3 = TestFiles.evt3Header();
        TestFiles.Bytes dat = TestFiles.datHeader(304, 240);
        for (int i = 0; i < 400; i++) {
            if (i % 50 == 0) {
                e2.i32(TestFiles.evt2High(i));
                e3.i16(0x8000 | i).i16(0x6000 | i);
            }
            e2.i32(TestFiles.evt2Cd(i % 2 == 0, i % 64, i % 640, i % 480));
            e3.i16(i % 720).i16(0x3000 | (i % 1200)).i16(0x4000 | (i * 37 & 0xFFF));
            TestFiles.datEvent(dat, i * 3L, i % 304, i % 240, i % 3 == 0);
        }
        out.add(new Base("base2.raw", e2.bytes(), RecordingFormat.EVT2));
        out.add(new Base("base3.raw", e3.bytes(), RecordingFormat.EVT3));
        out.add(new Base("base.dat", dat.bytes(), RecordingFormat.DAT));
        return out;
    }

    static byte[] mutate(byte[] src, SplittableRandom r) {
        byte[] d = src.clone();
        int ops = 1 + r.nextInt(4);
        for (int k = 0; k < ops && d.length > 0; k++) {
            switch (r.nextInt(6)) {
                case 0 -> {
                    for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
                        d[r.nextInt(d.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> { // an absurd 32-bit value somewhere: sizes, counts, offsets
                    int at = r.nextInt(d.length);
                    int v = switch (r.nextInt(4)) {
                        case 0 -> Integer.MAX_VALUE;
                        case 1 -> -1;
                        case 2 -> Integer.MIN_VALUE;
                        default -> r.nextInt();
                    };
                    for (int i = 0; i < 4 && at + i < d.length; i++) {
                        d[at + i] = (byte) (v >>> (8 * i));
                    }
                }
                case 2 -> d = Arrays.copyOf(d, r.nextInt(d.length + 1));
                case 3 -> { // duplicate a range
                    int from = r.nextInt(d.length);
                    int len = Math.min(d.length - from, 1 + r.nextInt(64));
                    int at = r.nextInt(d.length);
                    byte[] n = new byte[d.length + len];
                    System.arraycopy(d, 0, n, 0, at);
                    System.arraycopy(d, from, n, at, len);
                    System.arraycopy(d, at, n, at + len, d.length - at);
                    d = n;
                }
                case 4 -> {
                    int from = r.nextInt(d.length);
                    Arrays.fill(d, from, Math.min(d.length, from + 1 + r.nextInt(32)), (byte) 0);
                }
                default -> d[r.nextInt(d.length)] = (byte) r.nextInt(256);
            }
        }
        return d;
    }

    @Test
    void mutantsOnlyEverThrowTheReadersOwnException() throws IOException {
        List<Base> bases = bases();
        SplittableRandom rnd = new SplittableRandom(SEED);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(Math.max(60, ROUNDS_PER_BASE)), () -> {
            for (Base b : bases) {
                for (int round = 0; round < ROUNDS_PER_BASE; round++) {
                    byte[] m = mutate(b.bytes(), rnd);
                    String ext = b.name().substring(b.name().lastIndexOf('.'));
                    Path f = dir.resolve("m" + ext);
                    Files.write(f, m);
                    for (RecordingFormat fmt : new RecordingFormat[] {null, b.format()}) {
                        try {
                            readAll(f, fmt);
                            outcomes[0]++;
                        } catch (RecordingFormatException expected) {
                            assertThat(expected.getMessage()).contains(f.toString()).contains("at byte");
                            outcomes[1]++;
                        } catch (Throwable t) {
                            Path keep = dir.resolve("failing-" + b.name());
                            Files.write(keep, m);
                            fail("mutant of " + b.name() + " (round " + round + ", format " + fmt + ") threw " + t, t);
                        }
                    }
                }
            }
        });
        // both outcomes happen: the mutations are neither all harmless nor all fatal
        assertThat(outcomes[0]).isPositive();
        assertThat(outcomes[1]).isPositive();
    }

    private static void readAll(Path f, RecordingFormat fmt) {
        try (RecordingReader r = fmt == null ? Recordings.open(f) : Recordings.open(f, fmt)) {
            EventBuffer buf = new EventBuffer(r.geometry(), 4096);
            long total = 0;
            while (true) {
                buf.clear();
                int n = r.read(buf, 4096);
                if (n == 0) {
                    break;
                }
                total += n;
                for (int i = 0; i < n; i++) {
                    if (!r.geometry().contains(buf.x(i), buf.y(i))) {
                        throw new AssertionError("event outside " + r.geometry() + ": " + buf.x(i) + "," + buf.y(i));
                    }
                }
                if (total > 50_000_000) {
                    throw new AssertionError("more events than bytes could hold: runaway decoding");
                }
            }
        }
    }
}
