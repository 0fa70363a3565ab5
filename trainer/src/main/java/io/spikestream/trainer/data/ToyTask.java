package io.spikestream.trainer.data;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.NmnistWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tiny self-made two-class event task for learning tests and demos: a bar sweeping across a
 * 34×34 sensor, vertical (class "vertical") or horizontal (class "horizontal"), at a random place
 * and direction, one pixel per millisecond, ON events on the leading edge and OFF on the trailing
 * edge, plus uniform noise events. Written as N-MNIST-format recordings in class folders.
 */
public final class ToyTask {
    public static final List<String> CLASSES = List.of("horizontal", "vertical");

    private ToyTask() {
    }

    /** Writes {@code perClass} recordings per class under {@code dir/<class>/NNNN.bin}; deterministic for a seed. */
    public static Path write(Path dir, int perClass, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        try {
            for (String c : CLASSES) {
                Files.createDirectories(dir.resolve(c));
            }
            for (int i = 0; i < perClass; i++) {
                for (int label = 0; label < CLASSES.size(); label++) {
                    NmnistWriter.write(dir.resolve(CLASSES.get(label)).resolve(String.format("%04d.bin", i)),
                            sample(label == 1, rnd));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** One 20 ms sample. */
    public static EventBatch sample(boolean vertical, SplittableRandom rnd) {
        SensorGeometry g = SensorGeometry.NMNIST;
        List<int[]> ev = new ArrayList<>();
        int dir = rnd.nextBoolean() ? 1 : -1;
        int pos = dir > 0 ? 2 + rnd.nextInt(8) : 24 + rnd.nextInt(8);
        int from = 4 + rnd.nextInt(8);
        int len = 12 + rnd.nextInt(10);
        for (int ms = 0; ms < 20; ms++) {
            int p = pos + dir * ms / 2;
            if (p < 1 || p > 32) {
                break;
            }
            for (int k = from; k < Math.min(34, from + len); k++) {
                if (rnd.nextInt(4) == 0) {
                    continue;
                }
                long t = ms * 1000L + rnd.nextInt(1000);
                int lead = p + dir;
                int trail = p - dir;
                ev.add(vertical ? new int[] {lead, k, 1, (int) t} : new int[] {k, lead, 1, (int) t});
                ev.add(vertical ? new int[] {trail, k, 0, (int) t} : new int[] {k, trail, 0, (int) t});
            }
        }
        for (int n = 0; n < 40; n++) {
            ev.add(new int[] {rnd.nextInt(34), rnd.nextInt(34), rnd.nextInt(2), rnd.nextInt(20_000)});
        }
        ev.sort((a, b) -> Integer.compare(a[3], b[3]));
        int n = ev.size();
        int[] x = new int[n];
        int[] y = new int[n];
        boolean[] on = new boolean[n];
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            int[] e = ev.get(i);
            x[i] = Math.max(0, Math.min(33, e[0]));
            y[i] = Math.max(0, Math.min(33, e[1]));
            on[i] = e[2] == 1;
            t[i] = e[3];
        }
        return EventBatch.of(g, n, x, y, on, t);
    }
}
