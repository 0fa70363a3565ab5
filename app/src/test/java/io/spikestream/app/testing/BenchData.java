package io.spikestream.app.testing;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.NmnistWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Writes a tiny N-MNIST-layout data set (Train/<digit>/NNNNN.bin) of generated recordings. */
public final class BenchData {
    private BenchData() {
    }

    public static Path nmnistLike(Path root, int classes, int perClass, long durationUs, long periodUs) throws IOException {
        Random rnd = new Random(42);
        int n = (int) (durationUs / periodUs);
        for (int c = 0; c < classes; c++) {
            Path dir = Files.createDirectories(root.resolve("Train").resolve(Integer.toString(c)));
            for (int s = 0; s < perClass; s++) {
                int[] x = new int[n];
                int[] y = new int[n];
                boolean[] on = new boolean[n];
                long[] t = new long[n];
                for (int i = 0; i < n; i++) {
                    x[i] = rnd.nextInt(34);
                    y[i] = rnd.nextInt(34);
                    on[i] = rnd.nextBoolean();
                    t[i] = 1 + i * periodUs;
                }
                NmnistWriter.write(dir.resolve(String.format("%05d.bin", c * perClass + s)),
                        EventBatch.of(SensorGeometry.NMNIST, n, x, y, on, t));
            }
        }
        return root;
    }
}
