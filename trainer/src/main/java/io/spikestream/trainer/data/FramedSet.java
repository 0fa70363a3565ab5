package io.spikestream.trainer.data;

import io.spikestream.events.EventBatch;
import io.spikestream.events.dataset.Sample;
import io.spikestream.snn.framing.Framer;
import io.spikestream.snn.framing.FramingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Samples framed once with snn's {@link Framer} (the one framing implementation, so training sees
 * exactly what the stream app sees), decoded and framed on several threads, kept as bytes (frame
 * values are counts of at most 255) for the whole training run.
 */
public final class FramedSet {
    private final FramingSpec framing;
    private final int timesteps;
    private final List<Sample> samples;
    private final byte[][] frames;
    private final int[] labels;

    private FramedSet(FramingSpec framing, int timesteps, List<Sample> samples, byte[][] frames) {
        this.framing = framing;
        this.timesteps = timesteps;
        this.samples = List.copyOf(samples);
        this.frames = frames;
        this.labels = samples.stream().mapToInt(Sample::label).toArray();
    }

    /**
     * Reads and frames every sample on {@code threads} threads; the result does not depend on the
     * thread count.
     *
     * @param reader decodes a sample (e.g. {@code dataset::read})
     * @param progress called with the number of samples done so far (from worker threads)
     */
    public static FramedSet frame(List<Sample> samples, Function<Sample, EventBatch> reader, FramingSpec framing,
            int timesteps, int threads, IntConsumer progress) {
        if (framing.clipMax() > 255) {
            throw new IllegalArgumentException("clip max " + framing.clipMax() + " above 255 is not supported by the trainer");
        }
        byte[][] out = new byte[samples.size()][];
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "framing");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                int idx = i;
                futures.add(pool.submit(() -> {
                    Sample s = samples.get(idx);
                    float[][] f;
                    try {
                        f = Framer.frames(reader.apply(s), framing, timesteps);
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("sample " + s.id() + " (" + s.path() + "): " + e.getMessage(), e);
                    }
                    byte[] b = new byte[timesteps * framing.frameSize()];
                    for (int t = 0; t < timesteps; t++) {
                        for (int j = 0; j < f[t].length; j++) {
                            b[t * f[t].length + j] = (byte) (int) f[t][j];
                        }
                    }
                    out[idx] = b;
                    progress.accept(done.incrementAndGet());
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while framing", e);
        } finally {
            pool.shutdownNow();
        }
        return new FramedSet(framing, timesteps, samples, out);
    }

    public int size() {
        return samples.size();
    }

    public int timesteps() {
        return timesteps;
    }

    public FramingSpec framing() {
        return framing;
    }

    public List<Sample> samples() {
        return samples;
    }

    public int label(int i) {
        return labels[i];
    }

    public int[] labels() {
        return labels.clone();
    }

    /** Frame value of sample i at step t, flat frame index j. */
    int value(int i, int t, int j) {
        return frames[i][t * framing.frameSize() + j] & 0xFF;
    }

    byte[] raw(int i) {
        return frames[i];
    }
}
