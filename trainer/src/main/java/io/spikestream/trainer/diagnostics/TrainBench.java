package io.spikestream.trainer.diagnostics;

import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.InputShape;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Backends;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.net.BpttNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Training and inference throughput of a network on a backend with synthetic input: frames whose
 * pixels are 1 with probability {@code density} (event frames are sparse), Xavier-initialised
 * weights, SGD steps with the real optimiser. What {@code spikestream bench-train} and the JMH
 * TrainerBenchmark measure.
 */
public final class TrainBench {
    private TrainBench() {
    }

    /**
     * @param samplesPerSecond training (forward, loss, BPTT, SGD step) samples per second
     * @param msPerBatch mean wall time of one training step of the whole batch
     * @param inferenceMsPerStep inference time per time step for one sample (batch 1, running statistics)
     */
    public record Figures(double samplesPerSecond, double msPerBatch, double inferenceMsPerStep, int batch,
            int iterations) {
    }

    /**
     * What {@code bench-train} measures.
     *
     * @param inferenceSteps time steps timed for batch-1 inference; 0 skips it
     * @param density        fraction of input pixels that carry an event
     */
    public record Request(String backend, ModelSpec spec, int batch, int warmup, int iterations, int inferenceSteps,
            double density, long seed) {
    }

    /** The figures and what they were measured on. */
    public record Measurement(String implementation, String device, Figures figures) {
    }

    /**
     * A network of {@code classes} classes on two-channel {@code height}×{@code width} frames, for
     * synthetic input (the framing is nominal: the benchmark makes its frames directly).
     */
    public static ModelSpec syntheticSpec(String arch, int height, int width, int timesteps, int classes, double density) {
        if (!(density >= 0 && density <= 1)) {
            throw new IllegalArgumentException("--density must be in [0, 1], got " + density);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("--classes must be at least 2");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            names.add("class" + i);
        }
        FramingSpec framing = FramingSpec.timeWindow(new SensorGeometry(width, height), 10_000, width, height,
                CountMode.BINARY, 1);
        return ModelSpec.of(arch, new InputShape(2, height, width), timesteps, framing, names);
    }

    /** Picks the backend, says so on {@code log}, and measures. */
    public static Measurement measure(Request r, Consumer<String> log) {
        Backends.Selection sel = Backends.choose(r.backend());
        log.accept(sel.description() + "; " + r.spec().layerSpec() + ", input " + r.spec().input() + ", T="
                + r.spec().timesteps() + ", batch " + r.batch());
        try (Backend be = sel.backend()) {
            Figures f = run(be, r.spec(), r.batch(), r.warmup(), r.iterations(), r.inferenceSteps(), r.density(), r.seed());
            return new Measurement(be.implementation(), be.device(), f);
        }
    }

    /** Binary frame counts, time-major {@code [T][B][C][H][W]}: 1 with probability {@code density}. */
    public static byte[] counts(ModelSpec spec, int batch, double density, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] f = new byte[spec.timesteps() * batch * spec.input().size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = rnd.nextDouble() < density ? (byte) 1 : (byte) 0;
        }
        return f;
    }

    /** {@link #counts} as floats. */
    public static float[] frames(ModelSpec spec, int batch, double density, long seed) {
        byte[] c = counts(spec, batch, density, seed);
        float[] f = new float[c.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = c[i];
        }
        return f;
    }

    public static Figures run(Backend be, ModelSpec spec, int batch, int warmup, int iterations, int inferenceSteps,
            double density, long seed) {
        if (batch < 2 || iterations < 1 || warmup < 0) {
            throw new IllegalArgumentException("batch >= 2, iterations >= 1, warmup >= 0 required");
        }
        // the trainer's own path: counts uploaded as bytes, the loss read after the step is queued
        byte[] frames = counts(spec, batch, density, seed);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % spec.numClasses();
        }
        double ms;
        try (BpttNetwork net = new BpttNetwork(be, BnntParams.init(spec, seed), SpikeFunction.HEAVISIDE)) {
            for (int i = 0; i < warmup; i++) {
                trainStep(net, frames, batch, labels);
            }
            be.synchronize();
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                trainStep(net, frames, batch, labels);
            }
            be.synchronize();
            ms = (System.nanoTime() - t0) / 1e6 / iterations;
        }
        double inferMs = Double.NaN;
        if (inferenceSteps > 0) {
            byte[] one = counts(spec, 1, density, seed + 1);
            try (BpttNetwork net = new BpttNetwork(be, BnntParams.init(spec, seed), SpikeFunction.HEAVISIDE)) {
                net.forward(one, 1, false);
                net.scoresByStep();
                int runs = Math.max(1, inferenceSteps / spec.timesteps());
                long t0 = System.nanoTime();
                for (int i = 0; i < runs; i++) {
                    net.forward(one, 1, false);
                    net.scoresByStep();
                }
                be.synchronize();
                inferMs = (System.nanoTime() - t0) / 1e6 / runs / spec.timesteps();
            }
        }
        return new Figures(batch / (ms / 1000), ms, inferMs, batch, iterations);
    }

    private static void trainStep(BpttNetwork net, byte[] frames, int batch, int[] labels) {
        net.forward(frames, batch, true);
        Backend.Loss loss = net.lossAsync(labels);
        net.backward();
        net.step(0.01f, 0.9f, 1e-4f);
        // read as the trainer does, once per batch after the step was queued
        if (!Float.isFinite(loss.value())) {
            throw new IllegalStateException("benchmark training diverged: loss " + loss.value());
        }
    }
}
