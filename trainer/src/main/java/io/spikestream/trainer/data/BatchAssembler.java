package io.spikestream.trainer.data;

import io.spikestream.snn.framing.FramingSpec;
import java.util.SplittableRandom;

/** Builds the network's time-major input {@code [T][B][2][H][W]} for a list of sample indices. */
public final class BatchAssembler {
    private BatchAssembler() {
    }

    /** A batch: flattened time-major frames and labels. */
    public record Batch(float[] frames, int[] labels, int size) {
    }

    /**
     * A batch as frame counts: flattened time-major {@code [T][B][2][H][W]} unsigned bytes (each
     * the float value 0..255 of {@link Batch#frames()}), a quarter of the floats' size, for
     * {@code BpttNetwork.forward(byte[], ...)} (uploaded as bytes, expanded on the device).
     */
    public record Counts(byte[] counts, int[] labels, int size) {
        /** The same batch as floats. */
        public float[] frames() {
            float[] out = new float[counts.length];
            for (int i = 0; i < counts.length; i++) {
                out[i] = counts[i] & 0xFF;
            }
            return out;
        }
    }

    /**
     * @param seed augmentation randomness for this batch (the caller derives it from the run seed,
     *             epoch and batch index, so the result is the same whatever thread builds it)
     */
    public static Batch assemble(FramedSet set, int[] indices, Augmentation aug, long seed) {
        Counts c = assembleCounts(set, indices, aug, seed);
        return new Batch(c.frames(), c.labels(), c.size());
    }

    /** {@link #assemble} as counts (same frames, same augmentation for the same seed). */
    public static Counts assembleCounts(FramedSet set, int[] indices, Augmentation aug, long seed) {
        FramingSpec f = set.framing();
        int w = f.frameWidth();
        int h = f.frameHeight();
        int fs = f.frameSize();
        int t = set.timesteps();
        int b = indices.length;
        byte[] out = new byte[t * b * fs];
        int[] labels = new int[b];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int k = 0; k < b; k++) {
            int idx = indices[k];
            labels[k] = set.label(idx);
            boolean flip = aug.flip() && rnd.nextBoolean();
            int dx = aug.maxRoll() > 0 ? rnd.nextInt(2 * aug.maxRoll() + 1) - aug.maxRoll() : 0;
            int dy = aug.maxRoll() > 0 ? rnd.nextInt(2 * aug.maxRoll() + 1) - aug.maxRoll() : 0;
            byte[] raw = set.raw(idx);
            for (int s = 0; s < t; s++) {
                int src = s * fs;
                int dst = (s * b + k) * fs;
                if (!flip && dx == 0 && dy == 0) {
                    System.arraycopy(raw, src, out, dst, fs);
                    continue;
                }
                for (int c = 0; c < FramingSpec.CHANNELS; c++) {
                    for (int y = 0; y < h; y++) {
                        int ty = Math.floorMod(y + dy, h);
                        for (int x = 0; x < w; x++) {
                            int sx = flip ? w - 1 - x : x;
                            int tx = Math.floorMod(x + dx, w);
                            out[dst + (c * h + ty) * w + tx] = raw[src + (c * h + y) * w + sx];
                        }
                    }
                }
            }
        }
        return new Counts(out, labels, b);
    }
}
