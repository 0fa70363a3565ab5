package io.spikestream.snn;

import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import java.util.List;
import java.util.SplittableRandom;

/** Small networks and inputs shared by the snn tests. */
public final class TinyNets {
    private TinyNets() {
    }

    public static FramingSpec framing(int w, int h, CountMode mode, int clip) {
        return FramingSpec.timeWindow(new SensorGeometry(w, h), 1000, w, h, mode, clip);
    }

    public static List<String> classes(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> "class" + i).toList();
    }

    /** A spec from an architecture string at {@code w × h} frames. */
    public static ModelSpec spec(String arch, int w, int h, int timesteps, int classes) {
        FramingSpec f = framing(w, h, CountMode.CLIPPED, 3);
        return ModelSpec.of(arch, f.frameShape(), timesteps, f, classes(classes));
    }

    /** Random weights (Xavier) and random BN statistics, so that every step's BN differs. */
    public static BnntModel randomModel(ModelSpec spec, long seed) {
        BnntParams p = BnntParams.init(spec, seed);
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int l : spec.weightedLayers()) {
            if (!spec.spiking(l)) {
                continue;
            }
            for (int t = 0; t < spec.timesteps(); t++) {
                float[] g = p.gamma(l, t);
                float[] m = p.runningMean(l, t);
                float[] v = p.runningVar(l, t);
                for (int c = 0; c < g.length; c++) {
                    g[c] = (float) (0.5 + r.nextDouble() * 1.5);
                    m[c] = (float) (r.nextDouble() * 0.6 - 0.3);
                    v[c] = (float) (0.2 + r.nextDouble() * 2);
                }
            }
        }
        return BnntModel.of(spec, p);
    }

    /** A random sparse frame: each value non-zero with probability {@code density}; counts 1..maxCount. */
    public static float[] randomFrame(int size, double density, int maxCount, SplittableRandom r) {
        float[] f = new float[size];
        for (int i = 0; i < size; i++) {
            if (r.nextDouble() < density) {
                f[i] = 1 + r.nextInt(maxCount);
            }
        }
        return f;
    }
}
