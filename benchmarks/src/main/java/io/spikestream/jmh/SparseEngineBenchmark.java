package io.spikestream.jmh;

import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.Recordings;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.Framer;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.snn.inference.DenseReferenceEngine;
import io.spikestream.snn.inference.InspectableSession;
import io.spikestream.snn.inference.Session;
import io.spikestream.snn.inference.SparseEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time per network step of the event-driven {@link SparseEngine} versus the plain-Java
 * {@link DenseReferenceEngine} on the N-MNIST net ({@code c32-p2-c64-p2-f256-f10}, 2×34×34 input,
 * T = 15). Input frames are random binary frames at {@code density} non-zero pixels: real N-MNIST
 * frames (20 ms windows over the first 300 ms, binary) average 6 % and reach 10.5 % at the 90th
 * percentile (measured on 100 recordings of nmnist-small). Each invocation runs one episode of 15
 * steps; scores are µs per step.
 *
 * <p>The sparse engine's cost follows the hidden spike rates, and the reference init barely fires on
 * sparse input; so unless {@code -p model=CKPT} names a trained checkpoint, the weights are the
 * reference init and each spiking layer's γ (all steps) is bisected until the layer fires at
 * {@code hiddenRate} of its neurons per step on the benchmark frames — a stand-in for what BN
 * learns. The measured rates are printed at setup.
 *
 * <p>Run: {@code benchmarks/jmh -f 1 -wi 2 -i 3 SparseEngineBenchmark}. On a shared, overloaded machine
 * {@link #main} measures the same state by thread CPU time instead (time waiting for a core excluded):
 * {@code java -cp <benchmarks classpath> io.spikestream.jmh.SparseEngineBenchmark [hiddenRate [checkpoint
 * [recording]]]}. {@code -p recording=FILE} frames a real recording with the model's framing instead of
 * drawing random frames (then {@code density} is ignored).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class SparseEngineBenchmark {
    static final int T = 15;

    @Param({"0.02", "0.06", "0.10"})
    public double density;

    /** Target spike rate of every hidden layer when no checkpoint is given. */
    @Param({"0.10"})
    public double hiddenRate;

    /** Optional checkpoint path; empty = the nmnist preset with the reference init. */
    @Param({""})
    public String model;

    /** Optional recording: its first T frames (the model's framing) replace the random frames. */
    @Param({""})
    public String recording;

    private float[][] frames;
    private Session sparse;
    private Session dense;

    @Setup(Level.Trial)
    public void setUp() {
        BnntModel m;
        if (model.isEmpty()) {
            FramingSpec f = FramingSpec.timeWindow(SensorGeometry.NMNIST, 20_000, 34, 34, CountMode.BINARY, 1);
            ModelSpec spec = ModelSpec.of("nmnist", f.frameShape(), T, f,
                    List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
            m = BnntModel.of(spec, BnntParams.init(spec, 2026));
        } else {
            m = CheckpointCodec.read(Path.of(model));
        }
        int steps = m.spec().timesteps();
        if (recording == null || recording.isEmpty()) {
            SplittableRandom r = new SplittableRandom(7);
            frames = new float[steps][m.spec().input().size()];
            for (float[] fr : frames) {
                for (int i = 0; i < fr.length; i++) {
                    fr[i] = r.nextDouble() < density ? 1f : 0f;
                }
            }
        } else {
            frames = Framer.frames(Recordings.readAll(Path.of(recording)), m.spec().framing(), steps);
            double nz = 0;
            for (float[] fr : frames) {
                for (float v : fr) {
                    nz += v != 0 ? 1 : 0;
                }
            }
            System.err.printf("# %s: mean input density %.3f%n", recording, nz / frames.length / frames[0].length);
        }
        if (model.isEmpty()) {
            fitGammas(m);
        }
        sparse = new SparseEngine(m).newSession();
        dense = new DenseReferenceEngine(m).newSession();
        printSpikeRates(m, (InspectableSession) new DenseReferenceEngine(m).newSession());
    }

    /** Per spiking layer, in order: bisect a γ shared by all steps (log scale) until the layer fires at hiddenRate. */
    private void fitGammas(BnntModel m) {
        ModelSpec spec = m.spec();
        for (int l : spec.weightedLayers()) {
            if (!spec.spiking(l)) {
                continue;
            }
            double lo = Math.log(1e-3);
            double hi = Math.log(1e3);
            for (int it = 0; it < 20; it++) {
                double mid = (lo + hi) / 2;
                setGamma(m, l, (float) Math.exp(mid));
                if (rate(m, l) < hiddenRate) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            setGamma(m, l, (float) Math.exp((lo + hi) / 2));
        }
    }

    private static void setGamma(BnntModel m, int layer, float g) {
        for (int t = 0; t < m.spec().timesteps(); t++) {
            Arrays.fill(m.params().gamma(layer, t), g);
        }
    }

    private double rate(BnntModel m, int layer) {
        InspectableSession s = new SparseEngine(m).newSession();
        double sum = 0;
        for (float[] f : frames) {
            s.step(f);
            float[] out = s.layerOutput(layer);
            int n = 0;
            for (float v : out) {
                n += v > 0 ? 1 : 0;
            }
            sum += (double) n / out.length;
        }
        return sum / frames.length;
    }

    private void printSpikeRates(BnntModel m, InspectableSession s) {
        ModelSpec spec = m.spec();
        StringBuilder sb = new StringBuilder("# spike rate per layer at input density " + density + ":");
        double[] sum = new double[spec.layers().size()];
        for (float[] f : frames) {
            s.step(f);
            for (int l = 0; l < sum.length; l++) {
                if (spec.spiking(l)) {
                    float[] out = s.layerOutput(l);
                    int n = 0;
                    for (float v : out) {
                        n += v > 0 ? 1 : 0;
                    }
                    sum[l] += (double) n / out.length;
                }
            }
        }
        for (int l = 0; l < sum.length; l++) {
            if (spec.spiking(l)) {
                sb.append(String.format(" L%d(%s) %.3f", l, spec.layers().get(l).token(), sum[l] / frames.length));
            }
        }
        System.err.println(sb);
    }

    @Benchmark
    @OperationsPerInvocation(T)
    public float sparseStep() {
        return episode(sparse);
    }

    @Benchmark
    @OperationsPerInvocation(T)
    public float denseReferenceStep() {
        return episode(dense);
    }

    /** Thread-CPU-time comparison at each input density: best of 3 one-second rounds after a warm-up round. */
    public static void main(String[] args) {
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 0.10;
        String checkpoint = args.length > 1 ? args[1] : "";
        String rec = args.length > 2 ? args[2] : "";
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (double d : rec.isEmpty() ? new double[] {0.02, 0.06, 0.10} : new double[] {Double.NaN}) {
            SparseEngineBenchmark b = new SparseEngineBenchmark();
            b.density = d;
            b.hiddenRate = rate;
            b.model = checkpoint;
            b.recording = rec;
            b.setUp();
            double bestSparse = Double.MAX_VALUE;
            double bestDense = Double.MAX_VALUE;
            for (int round = 0; round < 4; round++) {
                double s = cpuMicrosPerStep(mx, b::sparseStep);
                double r = cpuMicrosPerStep(mx, b::denseReferenceStep);
                if (round > 0) {
                    bestSparse = Math.min(bestSparse, s);
                    bestDense = Math.min(bestDense, r);
                }
            }
            System.out.printf("%s, hidden rate %s: sparse %.0f us/step, reference %.0f us/step "
                    + "(thread CPU time), ratio %.1f%n", rec.isEmpty() ? String.format("density %.2f", d) : rec, checkpoint.isEmpty() ? String.format("%.2f", rate) : "of " + checkpoint,
                    bestSparse, bestDense, bestDense / bestSparse);
        }
    }

    private static double cpuMicrosPerStep(ThreadMXBean mx, Runnable episode) {
        long t0 = mx.getCurrentThreadCpuTime();
        long episodes = 0;
        while (mx.getCurrentThreadCpuTime() - t0 < 1_000_000_000L) {
            episode.run();
            episodes++;
        }
        return (mx.getCurrentThreadCpuTime() - t0) / 1e3 / (episodes * T);
    }

    private float episode(Session s) {
        s.reset();
        float acc = 0;
        for (float[] f : frames) {
            acc += s.step(f)[0];
        }
        return acc;
    }
}
