package io.spikestream.events.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriterRoundTripTest {
    @TempDir
    Path dir;

    static EventBatch random(SensorGeometry g, int n, long seed, long maxStep) {
        SplittableRandom r = new SplittableRandom(seed);
        EventBuffer b = new EventBuffer(g, n);
        long t = r.nextLong(1000);
        for (int i = 0; i < n; i++) {
            t += r.nextLong(maxStep + 1);
            b.add(r.nextInt(g.width()), r.nextInt(g.height()), r.nextBoolean(), t);
        }
        return b.toBatch();
    }

    @Test
    void aedat2WriteReadIsBitExact() {
        EventBatch e = random(SensorGeometry.DVS128, 50_000, 1, 50);
        Path f = dir.resolve("a.aedat");
        Aedat2Writer.write(f, e);
        assertThat(Recordings.detect(f)).isEqualTo(RecordingFormat.AEDAT2);
        assertThat(Recordings.readAll(f)).isEqualTo(e);
    }

    @Test
    void aedat2TimestampsPast32BitsUnwrap() {
        EventBuffer b = new EventBuffer(SensorGeometry.DVS128);
        long t = (1L << 32) - 5_000;
        for (int i = 0; i < 3000; i++) {
            b.add(i % 128, (i / 128) % 128, i % 3 == 0, t);
            t += 7;
        }
        // past 2^32 twice over, in steps under 2^31
        b.add(1, 2, true, (1L << 32) + 1_500_000_000L);
        b.add(1, 2, false, (1L << 32) + 3_000_000_000L);
        b.add(3, 4, false, (1L << 33) + 500_000_000L);
        EventBatch e = b.toBatch();
        Path f = dir.resolve("wrap.aedat");
        Aedat2Writer.write(f, e);
        assertThat(Recordings.readAll(f)).isEqualTo(e);
    }

    @Test
    void aedat2WriterRefusesWhatCannotReadBack() {
        EventBuffer b = new EventBuffer(SensorGeometry.DVS128);
        b.add(0, 0, true, 3_000_000_000L);
        b.add(0, 0, true, 10); // backwards by more than 2^31: would read as a wrap
        assertThatThrownBy(() -> Aedat2Writer.write(dir.resolve("x.aedat"), b.toBatch()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("event 1");
        assertThatThrownBy(() -> Aedat2Writer.write(dir.resolve("y.aedat"), EventBatch.empty(new SensorGeometry(129, 10))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aedat2SmallBackwardStepKeptAndCounted() {
        EventBuffer b = new EventBuffer(SensorGeometry.DVS128);
        b.add(0, 0, true, 100);
        b.add(1, 1, false, 50);
        b.add(2, 2, true, 60);
        Path f = dir.resolve("back.aedat");
        Aedat2Writer.write(f, b.toBatch());
        assertThat(Recordings.readAll(f)).isEqualTo(b.toBatch());
        try (RecordingReader r = Recordings.open(f)) {
            RecordingStats.of(r);
            assertThat(r.timestampRegressions()).isEqualTo(1);
        }
        try (RecordingReader r = Recordings.open(f, RecordingFormat.AEDAT2, ReadOptions.DEFAULT.withRejectBackwardTime(true))) {
            assertThatThrownBy(() -> RecordingStats.of(r)).isInstanceOf(RecordingFormatException.class)
                    .hasMessageContaining("at byte " + (Aedat2Writer.HEADER.length() + 8))
                    .hasMessageContaining("before the previous");
        }
    }

    @Test
    void nmnistWriteReadIsBitExact() {
        EventBatch e = random(SensorGeometry.NMNIST, 20_000, 2, 30);
        Path f = dir.resolve("n.bin");
        NmnistWriter.write(f, e);
        assertThat(Recordings.detect(f)).isEqualTo(RecordingFormat.NMNIST);
        assertThat(Recordings.readAll(f)).isEqualTo(e);
    }

    @Test
    void nmnistLongRecordingUsesOverflowMarkers() {
        // steps up to 2 s: well past the 23-bit (8.4 s) counter
        EventBatch e = random(SensorGeometry.NMNIST, 3_000, 3, 2_000_000);
        Path f = dir.resolve("long.bin");
        NmnistWriter.write(f, e);
        assertThat(Recordings.readAll(f)).isEqualTo(e);
        try (RecordingReader r = Recordings.open(f)) {
            RecordingStats.of(r);
            assertThat(r.specialEvents()).isGreaterThan(0).isEqualTo((f.toFile().length() / 5) - 3_000);
        }
    }

    @Test
    void nmnistLargerGeometryReadsBackAsTightArray() {
        EventBuffer b = new EventBuffer(new SensorGeometry(240, 180));
        b.add(239, 179, true, 5);
        b.add(0, 0, false, 6);
        Path f = dir.resolve("c.bin");
        NmnistWriter.write(f, b.toBatch());
        EventBatch back = Recordings.readAll(f);
        assertThat(back.geometry()).isEqualTo(new SensorGeometry(240, 180));
        assertThat(back.size()).isEqualTo(2);
        EventBuffer bad = new EventBuffer(new SensorGeometry(256, 256));
        bad.add(1, 240, true, 1);
        assertThatThrownBy(() -> NmnistWriter.write(dir.resolve("d.bin"), bad.toBatch()))
                .hasMessageContaining("y = 240");
    }

    @Test
    void emptyRecordingsRoundTrip() {
        Path a = dir.resolve("e.aedat");
        Aedat2Writer.write(a, EventBatch.empty(SensorGeometry.DVS128));
        assertThat(Recordings.readAll(a).isEmpty()).isTrue();
        // an N-MNIST file has no header: with no events it would be empty, which readers refuse as junk
        assertThatThrownBy(() -> NmnistWriter.write(dir.resolve("e.bin"), EventBatch.empty(SensorGeometry.NMNIST)))
                .hasMessageContaining("no events");
    }

    @Test
    void readAllRefusesOverItsCap() {
        EventBatch e = random(SensorGeometry.DVS128, 1000, 4, 5);
        Path f = dir.resolve("cap.aedat");
        Aedat2Writer.write(f, e);
        assertThat(Recordings.readAll(f, RecordingFormat.AEDAT2, 1000).size()).isEqualTo(1000);
        assertThatThrownBy(() -> Recordings.readAll(f, RecordingFormat.AEDAT2, 999))
                .isInstanceOf(RecordingFormatException.class).hasMessageContaining("more than 999 events");
    }
}
