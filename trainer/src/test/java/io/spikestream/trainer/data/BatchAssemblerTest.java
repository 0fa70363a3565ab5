package io.spikestream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.dataset.Sample;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Batches as counts (bytes) hold exactly the frames of the float batches, augmentation included. */
class BatchAssemblerTest {

    private static EventBatch events(int seed, SensorGeometry g) {
        Random rnd = new Random(seed);
        int n = 400;
        int[] x = new int[n];
        int[] y = new int[n];
        boolean[] on = new boolean[n];
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextInt(g.width());
            y[i] = rnd.nextInt(g.height());
            on[i] = rnd.nextBoolean();
            t[i] = i * 10L;
        }
        return EventBatch.of(g, n, x, y, on, t);
    }

    /** The frames as the trainer has always built them: sample k's step s at (s·B + k), flipped then rolled. */
    private static float[] expected(FramedSet set, int[] idx, Augmentation aug, long seed) {
        int w = set.framing().frameWidth();
        int h = set.framing().frameHeight();
        int fs = set.framing().frameSize();
        int t = set.timesteps();
        int b = idx.length;
        float[] out = new float[t * b * fs];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        for (int k = 0; k < b; k++) {
            boolean flip = aug.flip() && rnd.nextBoolean();
            int dx = aug.maxRoll() > 0 ? rnd.nextInt(2 * aug.maxRoll() + 1) - aug.maxRoll() : 0;
            int dy = aug.maxRoll() > 0 ? rnd.nextInt(2 * aug.maxRoll() + 1) - aug.maxRoll() : 0;
            byte[] raw = set.raw(idx[k]);
            for (int s = 0; s < t; s++) {
                for (int c = 0; c < 2; c++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            int sx = flip ? w - 1 - x : x;
                            int dst = (s * b + k) * fs + (c * h + Math.floorMod(y + dy, h)) * w + Math.floorMod(x + dx, w);
                            out[dst] = raw[s * fs + (c * h + y) * w + sx] & 0xFF;
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void countsAreTheFloatFramesAsBytes() {
        SensorGeometry g = new SensorGeometry(7, 5);
        FramingSpec framing = FramingSpec.timeWindow(g, 1000, 7, 5, CountMode.CLIPPED, 200);
        List<Sample> samples = IntStream.range(0, 4).mapToObj(i -> new Sample("s" + i, Path.of("s" + i), i % 2, "c" + i % 2)).toList();
        FramedSet set = FramedSet.frame(samples, s -> events(s.id().hashCode(), g), framing, 4, 1, n -> { });
        int[] idx = {2, 0, 3};
        for (Augmentation aug : new Augmentation[] {Augmentation.NONE, new Augmentation(true, 2)}) {
            for (long seed = 0; seed < 4; seed++) {
                BatchAssembler.Batch floats = BatchAssembler.assemble(set, idx, aug, seed);
                BatchAssembler.Counts counts = BatchAssembler.assembleCounts(set, idx, aug, seed);
                assertThat(counts.frames()).containsExactly(floats.frames()).containsExactly(expected(set, idx, aug, seed));
                assertThat(counts.labels()).containsExactly(floats.labels()).containsExactly(0, 0, 1);
                assertThat(counts.size()).isEqualTo(3);
            }
        }
        float max = 0;
        for (float v : BatchAssembler.assemble(set, idx, Augmentation.NONE, 0).frames()) {
            max = Math.max(max, v);
        }
        assertThat(max).as("counts above 1 survive").isGreaterThan(1f);
    }
}
