package io.spikestream.snn.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FramerTest {
    record Closed(float[] frame, long endUs, int events) {
    }

    static final class Collect implements FrameSink {
        final List<Closed> frames = new ArrayList<>();

        @Override
        public void frameClosed(float[] frame, long frameEndUs, int eventsInFrame) {
            frames.add(new Closed(frame.clone(), frameEndUs, eventsInFrame));
        }
    }

    static final SensorGeometry S4 = new SensorGeometry(4, 4);

    @Test
    void timeWindowsCloseOnTheFirstEventAtOrPastTheirEndIncludingEmptyGaps() {
        FramingSpec spec = FramingSpec.timeWindow(S4, 100, 4, 4, CountMode.BINARY, 1);
        Framer f = new Framer(spec);
        Collect c = new Collect();
        f.accept(1, 2, true, 1000, c);   // opens frame 0 = [1000, 1100)
        f.accept(1, 2, true, 1099, c);
        f.accept(3, 0, false, 1050, c);  // out of order: still frame 0
        assertThat(c.frames).isEmpty();
        f.accept(0, 0, false, 1100, c);  // at the end: closes frame 0, lands in frame 1
        assertThat(c.frames).hasSize(1);
        Closed f0 = c.frames.get(0);
        assertThat(f0.endUs()).isEqualTo(1100);
        assertThat(f0.events()).isEqualTo(3);
        assertThat(f0.frame()[spec.index(FramingSpec.ON_CHANNEL, 2, 1)]).isEqualTo(1f); // binary: 2 events → 1
        assertThat(f0.frame()[spec.index(FramingSpec.OFF_CHANNEL, 0, 3)]).isEqualTo(1f);
        assertThat(sum(f0.frame())).isEqualTo(2f);
        f.accept(2, 2, true, 1420, c);   // closes frame 1 [1100,1200) and empty frames 2, 3; lands in frame 4
        assertThat(c.frames).hasSize(4);
        assertThat(c.frames.get(1).events()).isEqualTo(1);
        assertThat(c.frames.get(1).frame()[spec.index(0, 0, 0)]).isEqualTo(1f);
        assertThat(c.frames.get(2).events()).isZero();
        assertThat(sum(c.frames.get(2).frame())).isZero();
        assertThat(c.frames.get(3).endUs()).isEqualTo(1400);
        assertThat(f.closeFrame(c)).isTrue(); // partial frame 4: ends after its last event
        assertThat(c.frames).hasSize(5);
        assertThat(c.frames.get(4).endUs()).isEqualTo(1421);
        assertThat(f.closeFrame(c)).isFalse(); // nothing left to close
        f.accept(2, 2, true, 1450, c);   // after closeFrame the next window [1500, 1600) takes late events
        f.accept(2, 2, true, 1600, c);
        assertThat(c.frames).hasSize(6);
        assertThat(c.frames.get(5).endUs()).isEqualTo(1600);
        assertThat(f.framesClosed()).isEqualTo(6);
    }

    @Test
    void eventCountFramesCloseWhenFull() {
        FramingSpec spec = FramingSpec.eventCount(S4, 3, 4, 4, CountMode.CLIPPED, 2);
        Framer f = new Framer(spec);
        Collect c = new Collect();
        for (int i = 0; i < 7; i++) {
            f.accept(1, 1, true, 10 * i, c);
        }
        assertThat(c.frames).hasSize(2);
        assertThat(c.frames.get(0).events()).isEqualTo(3);
        assertThat(c.frames.get(0).endUs()).isEqualTo(21);
        assertThat(c.frames.get(0).frame()[spec.index(1, 1, 1)]).isEqualTo(2f); // 3 events clipped at 2
        f.closeFrame(c);
        assertThat(c.frames).hasSize(3);
        assertThat(c.frames.get(2).events()).isEqualTo(1);
        assertThat(c.frames.get(2).endUs()).isEqualTo(61);
    }

    @Test
    void downSamplesBySummingPixelBlocks() {
        // 128 → 32: 4×4 blocks; clipped counts add up every event of a block
        FramingSpec spec = FramingSpec.timeWindow(SensorGeometry.DVS128, 1000, 32, 32, CountMode.CLIPPED, 100);
        Framer f = new Framer(spec);
        Collect c = new Collect();
        for (int y = 8; y < 12; y++) {
            for (int x = 4; x < 8; x++) {
                f.accept(x, y, false, 5, c);
            }
        }
        f.accept(127, 127, true, 6, c);
        f.closeFrame(c);
        float[] frame = c.frames.get(0).frame();
        assertThat(frame[spec.index(0, 2, 1)]).isEqualTo(16f);
        assertThat(frame[spec.index(1, 31, 31)]).isEqualTo(1f);
        assertThat(sum(frame)).isEqualTo(17f);
        // 128 → 48: blocks of 2 or 3 pixels, every sensor column maps somewhere, monotonically
        FramingSpec s48 = FramingSpec.timeWindow(SensorGeometry.DVS128, 1000, 48, 48, CountMode.CLIPPED, 1000);
        Framer g = new Framer(s48);
        Collect d = new Collect();
        for (int x = 0; x < 128; x++) {
            g.accept(x, 0, true, 1, d);
        }
        g.closeFrame(d);
        float[] row = d.frames.get(0).frame();
        float total = 0;
        for (int x = 0; x < 48; x++) {
            float v = row[s48.index(1, 0, x)];
            assertThat(v).isBetween(2f, 3f);
            total += v;
        }
        assertThat(total).isEqualTo(128f);
    }

    @Test
    void stopsAtMaxFramesAndResetStartsANewEpisode() {
        FramingSpec spec = FramingSpec.timeWindow(S4, 10, 4, 4, CountMode.BINARY, 1);
        Framer f = new Framer(spec, 2);
        Collect c = new Collect();
        f.accept(0, 0, true, 0, c);
        f.accept(0, 0, true, 1_000_000_000_000L, c); // a huge gap stops after maxFrames, no hang
        assertThat(c.frames).hasSize(2);
        assertThat(f.full()).isTrue();
        f.accept(1, 1, true, 1_000_000_000_001L, c);
        assertThat(f.droppedEvents()).isEqualTo(2);
        assertThat(f.closeFrame(c)).isFalse();
        f.reset();
        assertThat(f.started()).isFalse();
        f.accept(3, 3, false, 500, c);
        assertThat(f.episodeStartUs()).isEqualTo(500);
        f.closeFrame(c);
        assertThat(c.frames).hasSize(3);
        assertThat(c.frames.get(2).frame()[spec.index(0, 3, 3)]).isEqualTo(1f);
        assertThat(sum(c.frames.get(2).frame())).isEqualTo(1f);
    }

    @Test
    void rejectsEventsOutsideTheSensorAndBadSpecs() {
        Framer f = new Framer(FramingSpec.timeWindow(S4, 10, 2, 2, CountMode.BINARY, 1));
        assertThatThrownBy(() -> f.accept(4, 0, true, 0, (a, b, n) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(4, 0)");
        assertThatThrownBy(() -> FramingSpec.timeWindow(S4, 0, 2, 2, CountMode.BINARY, 1))
                .hasMessageContaining("window_us");
        assertThatThrownBy(() -> FramingSpec.timeWindow(S4, 10, 5, 2, CountMode.BINARY, 1))
                .hasMessageContaining("sensor");
        assertThatThrownBy(() -> FramingSpec.eventCount(S4, 10, 2, 2, CountMode.CLIPPED, 0))
                .hasMessageContaining("clip_max");
    }

    @Test
    void offlineFramesEqualTheStreamingPathAndPadWithZeros() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 5000;
        int[] xs = new int[n];
        int[] ys = new int[n];
        boolean[] on = new boolean[n];
        long[] ts = new long[n];
        long t = 7_000;
        for (int i = 0; i < n; i++) {
            xs[i] = r.nextInt(34);
            ys[i] = r.nextInt(34);
            on[i] = r.nextBoolean();
            t += r.nextInt(40);
            ts[i] = t;
        }
        EventBatch batch = EventBatch.of(SensorGeometry.NMNIST, n, xs, ys, on, ts);
        for (FramingSpec spec : List.of(
                FramingSpec.timeWindow(SensorGeometry.NMNIST, 10_000, 34, 34, CountMode.BINARY, 1),
                FramingSpec.eventCount(SensorGeometry.NMNIST, 700, 17, 17, CountMode.CLIPPED, 4))) {
            float[][] frames = Framer.frames(batch, spec, 12);
            Framer f = new Framer(spec);
            Collect c = new Collect();
            for (int i = 0; i < n; i++) {
                f.accept(xs[i], ys[i], on[i], ts[i], c);
            }
            f.closeFrame(c);
            int produced = Math.min(12, c.frames.size());
            assertThat(produced).isGreaterThan(5);
            for (int k = 0; k < produced; k++) {
                assertThat(frames[k]).as(spec.describe() + " frame " + k).containsExactly(c.frames.get(k).frame());
            }
            for (int k = produced; k < 12; k++) {
                assertThat(sum(frames[k])).isZero();
            }
        }
        // a sample longer than T: only the first T frames, the rest of the events are ignored
        float[][] two = Framer.frames(batch, FramingSpec.timeWindow(SensorGeometry.NMNIST, 10_000, 34, 34,
                CountMode.BINARY, 1), 2);
        assertThat(two).hasNumberOfRows(2);
        assertThat(sum(two[1])).isPositive();
    }

    @Test
    void specDescribesItsFrameShape() {
        FramingSpec b = FramingSpec.timeWindow(SensorGeometry.NMNIST, 20_000, 34, 34, CountMode.BINARY, 1);
        assertThat(b.frameShape().size()).isEqualTo(2 * 34 * 34);
    }

    static float sum(float[] a) {
        float s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }
}
