package io.spikestream.trainer.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.trainer.backend.reference.ReferenceKernels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes the CUDA C source itself, without a GPU: {@code host_emulation.cpp} compiles
 * {@code kernels.cu} with g++ (blocks of real threads meeting at a barrier for
 * {@code __syncthreads}, no FMA contraction) and runs the backend's launch sequences (BNTT+LIF
 * forward in training and inference, its backward, pooling, time mean, loss, SGD, fill, axpy, count
 * expansion) on
 * inputs written by this test. Every output must equal the Java twin's bit for bit, except where
 * the C library's double {@code exp} (sigmoid stand-in, softmax) may differ from {@link Math#exp}
 * in the last place. Skipped when g++ is not installed.
 */
class KernelHostEmulationTest {
    private static final int T = 3, B = 6, C = 4, S = 81;
    private static final int TOTAL = T * B * C * S;

    static Optional<Path> gxx() {
        return Stream.of("/usr/bin/g++", "/usr/local/bin/g++").map(Path::of).filter(Files::isExecutable).findFirst();
    }

    @Test
    void theCudaSourceComputesWhatItsJavaTwinsCompute(@TempDir Path dir) throws Exception {
        Optional<Path> gxx = gxx();
        Assumptions.assumeTrue(gxx.isPresent(), "g++ not found: host emulation of the kernels skipped");
        Files.writeString(dir.resolve("kernels.cu"), KernelSource.text());
        try (InputStream in = getClass().getResourceAsStream("host_emulation.cpp")) {
            Files.write(dir.resolve("host_emulation.cpp"), in.readAllBytes());
        }
        run(dir, gxx.get().toString(), "-std=c++20", "-O1", "-ffp-contract=off", "-pthread", "-o", "emu", "host_emulation.cpp");

        SplittableRandom rnd = new SplittableRandom(21);
        List<float[]> in = new ArrayList<>();
        in.add(random(rnd, TOTAL, 2)); // 0 z
        float[] gamma = new float[T * C];
        float[] rv = new float[T * C];
        for (int i = 0; i < gamma.length; i++) {
            gamma[i] = (float) (0.5 + rnd.nextDouble());
            rv[i] = (float) (0.5 + rnd.nextDouble());
        }
        in.add(gamma); // 1
        in.add(random(rnd, T * C, 0.2)); // 2 running mean
        in.add(rv); // 3 running var
        in.add(random(rnd, TOTAL, 1)); // 4 dL/dS
        in.add(random(rnd, 3 * 4 * 7 * 9, 1)); // 5 pool x
        in.add(random(rnd, 3 * 4 * 3 * 4, 1)); // 6 pool dy
        in.add(random(rnd, 240, 1)); // 7 time-mean x
        in.add(random(rnd, 60, 1)); // 8 time-mean dy
        in.add(random(rnd, 70, 4)); // 9 logits
        in.add(new float[] {3, 0, 9, 9, 1, 5, 2}); // 10 labels
        in.add(random(rnd, 1000, 1)); // 11 p
        in.add(random(rnd, 1000, 1)); // 12 g
        in.add(random(rnd, 1000, 0.1)); // 13 v
        in.add(random(rnd, 777, 1)); // 14 axpy x
        in.add(random(rnd, 777, 1)); // 15 axpy y
        in.add(random(rnd, T * C, 0.1)); // 16 gamma gradient (accumulated into)
        float[] countValues = new float[1001]; // 17 frame counts 0..255
        byte[] counts = new byte[countValues.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (byte) rnd.nextInt(256);
            countValues[i] = counts[i] & 0xFF;
        }
        in.add(countValues);
        write(dir.resolve("in.bin"), in);
        run(dir, dir.resolve("emu").toString(), "in.bin", "out.bin");
        List<Object> got = read(dir.resolve("out.bin"));

        List<Object> want = new ArrayList<>();
        for (boolean sigmoid : new boolean[] {false, true}) {
            float[] z = in.get(0).clone(), rm = in.get(2).clone(), rvar = in.get(3).clone(), gs = in.get(4).clone();
            float[] mean = new float[T * C], inv = new float[T * C], mem = new float[TOTAL], spikes = new float[TOTAL];
            float[] sumG = new float[T * C], sumGx = new float[T * C], gg = in.get(16).clone();
            ReferenceKernels.bnttStats(z, rm, rvar, mean, inv, T, B, C, S, 1e-4f, 0.1f, true);
            ReferenceKernels.bnttLifForward(z, gamma, mean, inv, z, mem, spikes, T, B, C, S, 0.9f, 1f, sigmoid);
            ReferenceKernels.bnttLifBackwardMem(gs, mem, gs, T, B, C, S, 0.9f, 1f, sigmoid);
            ReferenceKernels.bnttBackwardSums(gs, z, sumG, sumGx, gg, T, B, C, S);
            ReferenceKernels.bnttBackwardFinish(gs, z, gamma, inv, sumG, sumGx, TOTAL, B, C, S);
            want.addAll(List.of(rm, rvar, mean, inv, z, mem, spikes, gs, gg, sumG, sumGx));
        }
        {
            float[] z = in.get(0).clone(), rm = in.get(2).clone(), rvar = in.get(3).clone();
            float[] mean = new float[T * C], inv = new float[T * C], mem = new float[TOTAL], spikes = new float[TOTAL];
            ReferenceKernels.bnttStats(z, rm, rvar, mean, inv, T, B, C, S, 1e-4f, 0.1f, false);
            ReferenceKernels.bnttLifForward(z, gamma, mean, inv, z, mem, spikes, T, B, C, S, 0.9f, 1f, false);
            want.addAll(List.of(rm, rvar, mean, inv, z, mem, spikes));
        }
        float[] y = new float[3 * 4 * 3 * 4], dx = new float[3 * 4 * 7 * 9];
        ReferenceKernels.avgPool2Forward(in.get(5), y, 12, 7, 9, 3, 4);
        ReferenceKernels.avgPool2Backward(in.get(6), dx, 12, 7, 9, 3, 4);
        float[] tm = new float[60], tmdx = new float[240];
        ReferenceKernels.timeMean(in.get(7), tm, 60, 4);
        ReferenceKernels.timeMeanBackward(in.get(8), tmdx, 60, 4);
        int[] labels = {3, 0, 9, 9, 1, 5, 2};
        float[] grad = new float[70];
        double[] rows = new double[7];
        ReferenceKernels.softmaxXent(in.get(9), labels, grad, rows, 7, 10);
        float[] p = in.get(11).clone(), v = in.get(13).clone();
        ReferenceKernels.sgdMomentum(p, in.get(12), v, 0.05f, 0.9f, 1e-4f, 1000);
        float[] f = new float[777], ay = in.get(15).clone();
        ReferenceKernels.fill(f, 0.37f, 777);
        ReferenceKernels.axpy(-1.5f, in.get(14), ay, 777);
        float[] expanded = new float[counts.length];
        ReferenceKernels.u8ToF32(counts, expanded, counts.length);
        want.addAll(List.of(y, dx, tm, tmdx, grad, rows, p, v, f, ay, expanded));

        assertThat(got).hasSameSizeAs(want);
        int sigmoidStart = 11;
        int sigmoidEnd = 22;
        int softmaxGrad = 33; // after 2×11 training outputs, 7 inference outputs and 4 pooling/time-mean ones
        for (int i = 0; i < want.size(); i++) {
            boolean libmExp = (i >= sigmoidStart && i < sigmoidEnd) || i == softmaxGrad || i == softmaxGrad + 1;
            if (want.get(i) instanceof double[] d) {
                double[] g = (double[]) got.get(i);
                for (int k = 0; k < d.length; k++) {
                    assertThat(Math.abs(g[k] - d[k])).as("output %d [%d]", i, k).isLessThanOrEqualTo(1e-12 * Math.abs(d[k]));
                }
                continue;
            }
            float[] w = (float[]) want.get(i);
            float[] g = (float[]) got.get(i);
            assertThat(g).as("output %d length", i).hasSameSizeAs(w);
            for (int k = 0; k < w.length; k++) {
                if (libmExp) {
                    assertThat(Math.abs(g[k] - w[k])).as("output %d [%d]", i, k).isLessThanOrEqualTo(1e-5f * Math.max(1f, Math.abs(w[k])));
                } else if (Float.floatToIntBits(g[k]) != Float.floatToIntBits(w[k])) {
                    throw new AssertionError("output " + i + " [" + k + "]: kernel " + g[k] + ", Java twin " + w[k]);
                }
            }
        }
    }

    private static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return v;
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("%s finished", cmd[0]).isTrue();
        assertThat(p.exitValue()).as("%s:%n%s", String.join(" ", cmd), log).isZero();
    }

    private static void write(Path file, List<float[]> arrays) throws IOException {
        int bytes = arrays.stream().mapToInt(a -> 8 + 4 * a.length).sum();
        ByteBuffer buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] a : arrays) {
            buf.putInt(a.length).putInt(4);
            for (float x : a) {
                buf.putFloat(x);
            }
        }
        Files.write(file, buf.array());
    }

    private static List<Object> read(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Object> out = new ArrayList<>();
        while (buf.remaining() >= 8) {
            int n = buf.getInt();
            int size = buf.getInt();
            if (size == 8) {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = buf.getDouble();
                }
                out.add(d);
            } else {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = buf.getFloat();
                }
                out.add(f);
            }
        }
        return out;
    }
}
