package io.spikestream.trainer.diagnostics;

import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.InputShape;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.net.BpttNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The same short training run (fixed batch, seeded weights and frames, the trainer's own upload and
 * loss path) on two backends, compared step by step: the end-to-end half of {@link Equivalence}.
 */
public final class TrainingComparison {
    /**
     * The same training run on two backends: per-step losses, and the first step's weight and γ
     * gradients per layer (difference relative to the layer's largest gradient).
     */
    public record Result(float[] lossesA, float[] lossesB, double maxRelDiff, List<Equivalence.Result> gradients, boolean passed) {
    }

    /** Learning rate of the comparison runs: small enough that the loss stays well away from 0. */
    public static final float TRAINING_LR = 0.02f;
    /** Largest gradient difference, relative to the layer's largest gradient, that passes. */
    public static final double GRADIENT_TOL = 1e-2;

    private TrainingComparison() {
    }

    /** A small conv net's spec: c8-p2-c16-p2-f32 on 2×16×16, T = 4, 4 classes. */
    public static ModelSpec smallSpec() {
        FramingSpec framing = FramingSpec.timeWindow(new SensorGeometry(16, 16), 1000, 16, 16, CountMode.BINARY, 1);
        return ModelSpec.of("c8-p2-c16-p2-f32", new InputShape(2, 16, 16), 4, framing, List.of("a", "b", "c", "d"));
    }

    /**
     * The same {@code steps} SGD steps (fixed batch, seeded weights) on both backends; the losses
     * are compared step by step against {@code lossRtol}.
     */
    public static Result run(Backend a, Backend b, ModelSpec spec, int batch, int steps, long seed, double lossRtol) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] frames = new byte[spec.timesteps() * batch * spec.input().size()];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = (byte) (rnd.nextDouble() < 0.15 ? 1 : 0);
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = rnd.nextInt(spec.numClasses());
        }
        List<float[]> ga = new ArrayList<>();
        List<float[]> gb = new ArrayList<>();
        float[] la = losses(a, spec, frames, labels, steps, seed, ga);
        float[] lb = losses(b, spec, frames, labels, steps, seed, gb);
        double worst = 0;
        for (int i = 0; i < steps; i++) {
            worst = Math.max(worst, Math.abs(la[i] - lb[i]) / Math.max(1e-12, Math.abs(lb[i])));
        }
        List<Equivalence.Result> grads = new ArrayList<>();
        List<String> names = gradientNames(spec);
        for (int i = 0; i < ga.size(); i++) {
            double scale = 0;
            for (float v : gb.get(i)) {
                scale = Math.max(scale, Math.abs(v));
            }
            grads.add(Equivalence.compare(names.get(i), ga.get(i), gb.get(i), new Equivalence.Tolerance(GRADIENT_TOL * scale + 1e-7, 0, 0)));
        }
        boolean ok = worst <= lossRtol && grads.stream().allMatch(Equivalence.Result::passed);
        return new Result(la, lb, worst, grads, ok);
    }

    private static List<String> gradientNames(ModelSpec spec) {
        List<String> names = new ArrayList<>();
        for (int l : spec.weightedLayers()) {
            names.add("gradient layer " + l + " weights");
            if (spec.spiking(l)) {
                names.add("gradient layer " + l + " gamma");
            }
        }
        return names;
    }

    private static float[] losses(Backend be, ModelSpec spec, byte[] frames, int[] labels, int steps, long seed,
            List<float[]> firstGradients) {
        float[] out = new float[steps];
        try (BpttNetwork net = new BpttNetwork(be, BnntParams.init(spec, seed), SpikeFunction.HEAVISIDE)) {
            for (int s = 0; s < steps; s++) {
                net.forward(frames, labels.length, true); // counts: the upload a training run uses
                Backend.Loss loss = net.lossAsync(labels);
                net.backward();
                if (s == 0) {
                    for (int l : spec.weightedLayers()) {
                        firstGradients.add(net.weightGradient(l));
                        if (spec.spiking(l)) {
                            firstGradients.add(net.gammaGradient(l));
                        }
                    }
                }
                net.step(TRAINING_LR, 0.9f, 1e-4f);
                out[s] = loss.value();
            }
        }
        return out;
    }

}
