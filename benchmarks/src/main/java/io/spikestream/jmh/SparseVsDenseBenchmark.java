package io.spikestream.jmh;

import io.spikestream.events.SensorGeometry;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.dataset.Sample;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.Framer;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.snn.inference.Session;
import io.spikestream.snn.inference.SparseEngine;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.backend.nd4j.Nd4jBackend;
import io.spikestream.trainer.diagnostics.TrainBench;
import io.spikestream.trainer.net.BpttNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * snn's event-driven {@link SparseEngine} versus the trainer's dense ND4J forward pass (the CPU
 * backend forced to ND4J's dense conv2d) on the same network and the same frames. Scores are µs per
 * time step of one sample: the sparse engine steps one camera's frames one at a time; the dense
 * forward runs an episode of T steps for one sample ({@code dense1}) or for 32 samples at once
 * ({@code dense32}, per sample-step, the best case for dense batching).
 *
 * <p>Network: the committed {@code models/nmnist-bntt.ckpt} (trained, so hidden spike rates are real)
 * when present, else the nmnist preset with the reference init. Frames: the first 32 recordings of
 * {@code ../shared/data/nmnist-small} framed with the model's framing when present, else random
 * binary frames at 6 % density.
 *
 * <p>Run: {@code benchmarks/jmh -f 1 -wi 2 -i 3 SparseVsDenseBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class SparseVsDenseBenchmark {
    static final int SAMPLES = 32;

    @Param({"models/nmnist-bntt.ckpt"})
    public String model;

    private int steps;
    private float[][][] frames; // [sample][t][frame]
    private Session sparse;
    private Backend dense;
    private BpttNetwork net1;
    private BpttNetwork net32;
    private float[] one;
    private float[] all;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        BnntModel m;
        if (Files.exists(Path.of(model))) {
            m = CheckpointCodec.read(Path.of(model));
        } else {
            FramingSpec f = FramingSpec.timeWindow(SensorGeometry.NMNIST, 20_000, 34, 34,
                    CountMode.BINARY, 1);
            ModelSpec spec = ModelSpec.of("nmnist", f.frameShape(), 15, f,
                    List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
            m = BnntModel.of(spec, BnntParams.init(spec, 1));
        }
        ModelSpec spec = m.spec();
        steps = spec.timesteps();
        int fs = spec.input().size();
        frames = new float[SAMPLES][][];
        Path data = Path.of(System.getProperty("spikestream.shared", "../shared")).resolve("data/nmnist-small/Train");
        if (Files.isDirectory(data)) {
            Dataset ds = Dataset.open(data, DatasetKind.NMNIST);
            List<Sample> samples = ds.samples();
            for (int i = 0; i < SAMPLES; i++) {
                frames[i] = Framer.frames(ds.read(samples.get(i * samples.size() / SAMPLES)), spec.framing(), steps);
            }
        } else {
            float[] r = TrainBench.frames(spec, SAMPLES, 0.06, 3);
            for (int i = 0; i < SAMPLES; i++) {
                frames[i] = new float[steps][fs];
                for (int t = 0; t < steps; t++) {
                    System.arraycopy(r, (t * SAMPLES + i) * fs, frames[i][t], 0, fs);
                }
            }
        }
        all = new float[steps * SAMPLES * fs];
        for (int i = 0; i < SAMPLES; i++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(frames[i][t], 0, all, (t * SAMPLES + i) * fs, fs);
            }
        }
        one = new float[steps * fs];
        for (int t = 0; t < steps; t++) {
            System.arraycopy(frames[0][t], 0, one, t * fs, fs);
        }
        sparse = new SparseEngine(m).newSession();
        dense = new Nd4jBackend(false);
        net1 = new BpttNetwork(dense, m.params(), SpikeFunction.HEAVISIDE);
        net32 = new BpttNetwork(dense, m.params(), SpikeFunction.HEAVISIDE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        net1.close();
        net32.close();
        dense.close();
    }

    /** One episode of T steps of one sample (rotating over the 32 recordings). */
    @Benchmark
    @OperationsPerInvocation(15)
    public float[] sparseEngine() {
        float[][] f = frames[next++ % SAMPLES];
        sparse.reset();
        float[] s = null;
        for (float[] frame : f) {
            s = sparse.step(frame);
        }
        return s;
    }

    @Benchmark
    @OperationsPerInvocation(15)
    public float[] dense1() {
        net1.forward(one, 1, false);
        return net1.scoresByStep();
    }

    @Benchmark
    @OperationsPerInvocation(15 * SAMPLES)
    public float[] dense32() {
        net32.forward(all, SAMPLES, false);
        return net32.scoresByStep();
    }
}
