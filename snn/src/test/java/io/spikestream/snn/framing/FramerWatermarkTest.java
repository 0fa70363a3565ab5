package io.spikestream.snn.framing;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.framing.FramerTest.Collect;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FramerWatermarkTest {
    static final SensorGeometry S4 = FramerTest.S4;

    @Test
    void aWatermarkClosesTheFramesThatTheNextEventWouldCloseAndNoMore() {
        FramingSpec spec = FramingSpec.timeWindow(S4, 100, 4, 4, CountMode.BINARY, 1);
        Framer f = new Framer(spec);
        Collect c = new Collect();
        assertThat(f.advanceTo(5_000, c)).as("before the episode's first event").isZero();
        f.accept(1, 2, true, 1000, c);   // frame 0 = [1000, 1100)
        f.accept(3, 0, false, 1050, c);
        assertThat(f.advanceTo(1099, c)).as("an event at 1099 may still come").isZero();
        assertThat(f.advanceTo(1100, c)).isEqualTo(1);
        assertThat(c.frames.get(0).endUs()).isEqualTo(1100);
        assertThat(c.frames.get(0).events()).isEqualTo(2);
        assertThat(FramerTest.sum(c.frames.get(0).frame())).isEqualTo(2f);
        assertThat(f.advanceTo(1000, c)).as("a watermark going back does nothing").isZero();
        assertThat(f.advanceTo(1350, c)).as("the empty windows [1100, 1200) and [1200, 1300)").isEqualTo(2);
        assertThat(c.frames.get(2).events()).isZero();
        assertThat(f.currentFrameEndUs()).isEqualTo(1400);
        f.accept(0, 0, true, 1360, c);   // lands in [1300, 1400)
        assertThat(c.frames).hasSize(3);
        assertThat(f.eventsInFrame()).isEqualTo(1);
        assertThat(f.closeFrame(c)).isTrue();
        assertThat(c.frames.get(3).endUs()).isEqualTo(1361);
    }

    @Test
    void watermarksStopAtTheFrameLimitAndEventCountFramesIgnoreThem() {
        Framer limited = new Framer(FramingSpec.timeWindow(S4, 10, 4, 4, CountMode.BINARY, 1), 3);
        Collect c = new Collect();
        limited.accept(0, 0, true, 0, c);
        assertThat(limited.advanceTo(Long.MAX_VALUE, c)).isEqualTo(3);
        assertThat(limited.full()).isTrue();
        assertThat(limited.advanceTo(Long.MAX_VALUE, c)).isZero();

        Framer counted = new Framer(FramingSpec.eventCount(S4, 5, 4, 4, CountMode.BINARY, 1));
        counted.accept(0, 0, true, 0, c);
        assertThat(counted.advanceTo(1_000_000, c)).isZero();
        assertThat(counted.eventsInFrame()).isEqualTo(1);
    }

    /**
     * Any packets, any valid watermarks (at most the next packet's first event time): the frames are those of
     * the trainer's path, bit for bit, and trailing frames that a watermark past the last event closes are
     * empty, like the trainer's zero padding.
     */
    @Test
    void framesWithWatermarksAreBitIdenticalToTheTrainersFrames() {
        SplittableRandom r = new SplittableRandom(11);
        FramingSpec spec = FramingSpec.timeWindow(SensorGeometry.NMNIST, 10_000, 17, 17, CountMode.BINARY, 1);
        int timesteps = 15;
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(3000);
            int[] xs = new int[n];
            int[] ys = new int[n];
            boolean[] on = new boolean[n];
            long[] ts = new long[n];
            long t = r.nextLong(1_000_000);
            for (int i = 0; i < n; i++) {
                xs[i] = r.nextInt(34);
                ys[i] = r.nextInt(34);
                on[i] = r.nextBoolean();
                // bursts and quiet stretches longer than a frame
                t += r.nextInt(100) == 0 ? r.nextInt(40_000) : r.nextInt(60);
                ts[i] = t;
            }
            EventBatch sample = EventBatch.of(SensorGeometry.NMNIST, n, xs, ys, on, ts);
            float[][] expected = Framer.frames(sample, spec, timesteps);

            Framer f = new Framer(spec, timesteps);
            Collect c = new Collect();
            int i = 0;
            while (i < n) {
                int end = Math.min(n, i + 1 + r.nextInt(400));
                for (; i < end; i++) {
                    f.accept(xs[i], ys[i], on[i], ts[i], c);
                }
                long next = i < n ? ts[i] : ts[n - 1] + 1 + r.nextInt(30_000);
                long watermark = r.nextBoolean() ? next : next - r.nextInt(20_000);
                f.advanceTo(watermark, c);
            }
            f.closeFrame(c);
            assertThat(c.frames.size()).as("trial " + trial).isLessThanOrEqualTo(timesteps);
            for (int k = 0; k < c.frames.size(); k++) {
                assertThat(c.frames.get(k).frame()).as("trial " + trial + " frame " + k).containsExactly(expected[k]);
            }
            for (int k = c.frames.size(); k < timesteps; k++) {
                assertThat(FramerTest.sum(expected[k])).as("trial " + trial + " frame " + k + " is padding").isZero();
            }
        }
    }
}
