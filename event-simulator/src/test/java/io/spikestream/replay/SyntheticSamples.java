package io.spikestream.replay;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Generated recordings with a known event rate, for replay tests that need no data files. */
public final class SyntheticSamples {
    private SyntheticSamples() {
    }

    /**
     * {@code count} samples of {@code durationUs} each with one event every {@code periodUs}
     * (first at 1000 µs, as recordings rarely start at 0), labels cycling over {@code classes}.
     */
    public static SampleSource uniform(int count, long durationUs, long periodUs, int classes, long seed) {
        Map<SampleRef, EventBatch> m = new LinkedHashMap<>();
        Random rnd = new Random(seed);
        SensorGeometry g = SensorGeometry.NMNIST;
        for (int s = 0; s < count; s++) {
            int n = (int) (durationUs / periodUs);
            int[] x = new int[n];
            int[] y = new int[n];
            boolean[] on = new boolean[n];
            long[] t = new long[n];
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextInt(g.width());
                y[i] = rnd.nextInt(g.height());
                on[i] = rnd.nextBoolean();
                t[i] = 1000 + i * periodUs;
            }
            m.put(new SampleRef(String.format("%d/%05d.bin", s % classes, s), s % classes),
                    EventBatch.of(g, n, x, y, on, t));
        }
        return SampleSource.of(m);
    }
}
