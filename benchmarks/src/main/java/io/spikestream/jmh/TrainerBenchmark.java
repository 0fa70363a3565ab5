package io.spikestream.jmh;

import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.InputShape;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Backends;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.diagnostics.TrainBench;
import io.spikestream.trainer.net.BpttNetwork;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU training and inference of the trainer's backend: one training step (forward over T, loss,
 * BPTT, SGD) of a batch, and one batch-1 inference episode, on synthetic binary frames at 5 %
 * density with Xavier-initialised weights. Scores are ms per operation; training samples/s =
 * batch / (ms / 1000), inference ms per step = episode ms / T.
 *
 * <p>Cases: the N-MNIST net (c32-p2-c64-p2-f256) at 2×34×34 and at 2×17×17 (the committed model's
 * framing), T = 15; vgg9 at 2×48×48, T = 20 (batch 8: batch 128 needs about 20 GB of activations
 * for BPTT on the CPU). {@code spikestream bench-train} measures the same with other sizes.
 *
 * <p>Run: {@code benchmarks/jmh -f 1 -wi 1 -i 3 TrainerBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class TrainerBenchmark {

    @Param({"nmnist:2x34x34:15:16", "nmnist:2x17x17:15:16", "vgg9:2x48x48:20:8"})
    public String net;

    private Backend backend;
    private BpttNetwork training;
    private BpttNetwork inference;
    private float[] frames;
    private float[] one;
    private int[] labels;
    private int batch;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = net.split(":");
        String[] in = p[1].split("x");
        int h = Integer.parseInt(in[1]);
        int w = Integer.parseInt(in[2]);
        int t = Integer.parseInt(p[2]);
        batch = Integer.parseInt(p[3]);
        FramingSpec f = FramingSpec.timeWindow(new SensorGeometry(w, h), 20_000, w, h, CountMode.BINARY, 1);
        ModelSpec spec = ModelSpec.of(p[0], new InputShape(2, h, w), t, f,
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
        backend = Backends.select("cpu");
        training = new BpttNetwork(backend, BnntParams.init(spec, 1), SpikeFunction.HEAVISIDE);
        inference = new BpttNetwork(backend, BnntParams.init(spec, 1), SpikeFunction.HEAVISIDE);
        frames = TrainBench.frames(spec, batch, 0.05, 1);
        one = TrainBench.frames(spec, 1, 0.05, 2);
        labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % 10;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        training.close();
        inference.close();
        backend.close();
    }

    /** One SGD step on a batch (divide the batch size by the score for samples/ms). */
    @Benchmark
    public float trainStep() {
        training.forward(frames, batch, true);
        float loss = training.loss(labels);
        training.backward();
        training.step(0.01f, 0.9f, 1e-4f);
        return loss;
    }

    /** One batch-1 inference episode of T steps (divide by T for the time per step). */
    @Benchmark
    public float[] inferenceEpisode() {
        inference.forward(one, 1, false);
        return inference.scoresByStep();
    }
}
