package io.spikestream.trainer.backend.nd4j;

import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BnttLifConfig;
import io.spikestream.trainer.backend.Shapes;
import io.spikestream.trainer.backend.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CPU backend. Convolutions and matrix products run on OpenBLAS's SGEMM ({@link GemmConv},
 * {@link Blas}) or, for mostly-zero inputs, scatter the non-zeros ({@link SparseConv}); the
 * element-wise and reduction primitives (BNTT+LIF, pooling, loss, optimiser) are plain Java loops
 * over the same off-heap memory ({@link BufferLoops}), because ND4J's per-op overhead exceeds their
 * work and they fuse naturally into one pass (trainer-nd4j/README.md has the measurements).
 */
public final class Nd4jBackend implements Backend {
    /** ND4J conv2d integer arguments: 3×3 kernel, stride 1, padding 1, dilation 1, explicit
     *  padding, NCHW, weights [out, in, kH, kW]. */
    private static final int[] CONV_ARGS = {3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1};

    private final String device = cpuModel();
    private final boolean sparseInputs;
    private final GemmConv gemmConv = new GemmConv();

    /** The default backend: convolutions skip zero inputs where that is faster. */
    public Nd4jBackend() {
        this(true);
    }

    /**
     * @param sparseInputs false forces ND4J's own conv2d / conv2d_bp everywhere (for comparisons)
     */
    public Nd4jBackend(boolean sparseInputs) {
        this.sparseInputs = sparseInputs;
        Nd4j.create(DataType.FLOAT, 1).close(); // load the native library now: fail here, not mid-training
        if (sparseInputs) {
            Blas.useJavaThreads(); // after ND4J's start-up, which sets OpenBLAS's thread count itself
        }
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String implementation() {
        return "cpu-nd4j";
    }

    @Override
    public String device() {
        return device;
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Tensor allocate(int... shape) {
        Tensor.sizeOf(shape);
        long[] s = Arrays.stream(shape).asLongStream().toArray();
        return new Nd4jTensor(Nd4j.create(DataType.FLOAT, s, 'c'), shape, false);
    }

    @Override
    public void upload(float[] values, Tensor dst) {
        Nd4jTensor d = t(dst);
        if (values.length != d.size()) {
            throw new IllegalArgumentException("upload of " + values.length + " values into " + d);
        }
        d.buf.put(0, values);
    }

    @Override
    public void download(Tensor src, float[] dst) {
        Nd4jTensor s = t(src);
        if (dst.length < s.size()) {
            throw new IllegalArgumentException("download of " + s + " into " + dst.length + " floats");
        }
        s.buf.get(0, dst, 0, (int) s.size());
    }

    @Override
    public Tensor reshape(Tensor tensor, int... shape) {
        Nd4jTensor s = t(tensor);
        Shapes.reshape(s, shape);
        long[] ls = Arrays.stream(shape).asLongStream().toArray();
        return new Nd4jTensor(s.array.reshape('c', ls), shape, true);
    }

    @Override
    public void fill(Tensor tensor, float value) {
        BufferLoops.fill(t(tensor).buf, value, (int) tensor.size());
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        Shapes.sameSize(x, y, "axpy");
        BufferLoops.axpy(alpha, t(x).buf, t(y).buf, (int) x.size());
    }

    // ---- convolution ----------------------------------------------------------------------------

    @Override
    public void conv3x3Forward(Tensor x, Tensor w, Tensor y) {
        Shapes.conv(x, w, y);
        if (!sparseInputs) {
            denseConv(x, w, y);
        } else if (SparseConv.density(t(x).buf, x.size()) <= SparseConv.MAX_DENSITY) {
            SparseConv.forward(t(x).buf, download(w), t(y).buf, x.dim(0), x.dim(1), y.dim(1), x.dim(2), x.dim(3));
        } else {
            gemmConv.forward(t(x).buf, t(w).ptr(), t(y).buf, t(y).ptr(), x.dim(0), x.dim(1), y.dim(1), x.dim(2), x.dim(3));
        }
    }

    private void denseConv(Tensor x, Tensor w, Tensor y) {
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(t(x).array, t(w).array).addOutputs(t(y).array)
                .addIntegerArguments(CONV_ARGS).build());
    }

    @Override
    public void conv3x3BackwardData(Tensor dy, Tensor w, Tensor dx) {
        Shapes.conv(dx, w, dy);
        if (sparseInputs) {
            gemmConv.backwardData(t(dy).buf, download(w), t(dx).buf, t(dx).ptr(), dx.dim(0), dx.dim(1), dy.dim(1),
                    dx.dim(2), dx.dim(3));
            return;
        }
        // the data gradient of a padded 3×3 correlation is a correlation with the flipped, transposed kernel
        int o = w.dim(0);
        int in = w.dim(1);
        float[] wf = download(w);
        float[] flipped = new float[wf.length];
        for (int a = 0; a < o; a++) {
            for (int b = 0; b < in; b++) {
                for (int k = 0; k < 9; k++) {
                    flipped[(b * o + a) * 9 + (8 - k)] = wf[(a * in + b) * 9 + k];
                }
            }
        }
        try (Tensor wt = upload(flipped, in, o, 3, 3)) {
            denseConv(dy, wt, dx); // dy is dense
        }
    }

    @Override
    public void conv3x3BackwardFilter(Tensor x, Tensor dy, Tensor dw) {
        Shapes.conv(x, dw, dy);
        if (sparseInputs && SparseConv.density(t(x).buf, x.size()) <= SparseConv.MAX_DENSITY) {
            upload(SparseConv.backwardFilter(t(x).buf, t(dy).buf, x.dim(0), x.dim(1), dy.dim(1), x.dim(2), x.dim(3)), dw);
            return;
        }
        if (sparseInputs) {
            gemmConv.backwardFilter(t(x).buf, t(dy).buf, t(dw).ptr(), x.dim(0), x.dim(1), dy.dim(1), x.dim(2), x.dim(3));
            return;
        }
        try (Tensor dx = allocate(x.shape())) {
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(t(x).array, t(dw).array, t(dy).array)
                    .addOutputs(t(dx).array, t(dw).array).addIntegerArguments(CONV_ARGS).build());
        }
    }

    // ---- matrix products ------------------------------------------------------------------------

    @Override
    public void matmulNT(Tensor a, Tensor b, Tensor c) {
        Shapes.matmulNT(a, b, c);
        gemm(false, true, a.dim(0), b.dim(0), a.dim(1), a, b, c);
    }

    @Override
    public void matmulNN(Tensor a, Tensor b, Tensor c) {
        Shapes.matmulNN(a, b, c);
        gemm(false, false, a.dim(0), b.dim(1), a.dim(1), a, b, c);
    }

    @Override
    public void matmulTN(Tensor a, Tensor b, Tensor c) {
        Shapes.matmulTN(a, b, c);
        gemm(true, false, a.dim(1), b.dim(1), a.dim(0), a, b, c);
    }

    /**
     * Row-major {@code c[m, n] = op(a) · op(b)} through {@link Blas}, without ND4J's per-call work.
     */
    private static void gemm(boolean transA, boolean transB, int m, int n, int k, Tensor a, Tensor b, Tensor c) {
        Blas.sgemm(transA, transB, m, n, k, t(a).ptr(), a.dim(1), t(b).ptr(), b.dim(1), 0f, t(c).ptr(), n);
    }

    // ---- the fused step, pooling, readout, loss, optimiser: Java loops (BufferLoops) ----------

    @Override
    public void bnttLifForward(BnttLifConfig cfg, boolean training, Tensor z, Tensor gamma, Tensor runningMean,
            Tensor runningVar, Tensor xhatOut, Tensor invStdOut, Tensor memOut, Tensor spikesOut) {
        Shapes.Layout l = Shapes.bnttForward(cfg, z, gamma, runningMean, runningVar, xhatOut, invStdOut, memOut, spikesOut);
        BufferLoops.bnttLifForward(cfg, l, training, t(z).buf, t(gamma).buf, t(runningMean).buf, t(runningVar).buf,
                t(xhatOut).buf, t(invStdOut).buf, t(memOut).buf, t(spikesOut).buf);
    }

    @Override
    public void bnttLifBackward(BnttLifConfig cfg, Tensor gradSpikes, Tensor mem, Tensor xhat, Tensor invStd,
            Tensor gamma, Tensor gradGamma, Tensor gradZOut) {
        Shapes.Layout l = Shapes.bnttBackward(cfg, gradSpikes, mem, xhat, invStd, gamma, gradGamma, gradZOut);
        BufferLoops.bnttLifBackward(cfg, l, t(gradSpikes).buf, t(mem).buf, t(xhat).buf, t(invStd).buf, t(gamma).buf,
                t(gradGamma).buf, t(gradZOut).buf);
    }

    @Override
    public void avgPool2Forward(Tensor x, Tensor y) {
        Shapes.pool(x, y);
        BufferLoops.avgPool2Forward(t(x).buf, t(y).buf, x.dim(0) * x.dim(1), x.dim(2), x.dim(3), y.dim(2), y.dim(3));
    }

    @Override
    public void avgPool2Backward(Tensor dy, Tensor dx) {
        Shapes.pool(dx, dy);
        BufferLoops.avgPool2Backward(t(dy).buf, t(dx).buf, dx.dim(0) * dx.dim(1), dx.dim(2), dx.dim(3), dy.dim(2),
                dy.dim(3));
    }

    @Override
    public void timeMean(Tensor x, int timesteps, Tensor out) {
        Shapes.timeMean(x, timesteps, out);
        BufferLoops.timeMean(t(x).buf, t(out).buf, (int) out.size(), timesteps);
    }

    @Override
    public void timeMeanBackward(Tensor dy, int timesteps, Tensor dx) {
        Shapes.timeMeanBackward(dy, timesteps, dx);
        BufferLoops.timeMeanBackward(t(dy).buf, t(dx).buf, (int) dy.size(), timesteps);
    }

    @Override
    public float softmaxCrossEntropy(Tensor logits, int[] labels, Tensor gradLogits) {
        Shapes.loss(logits, labels, gradLogits);
        return BufferLoops.softmaxCrossEntropy(t(logits).buf, labels, t(gradLogits).buf, logits.dim(0), logits.dim(1));
    }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay) {
        Shapes.sgd(param, grad, velocity);
        BufferLoops.sgdMomentum(t(param).buf, t(grad).buf, t(velocity).buf, (int) param.size(), lr, momentum, weightDecay);
    }

    /** MemAvailable of /proc/meminfo (off-heap ND4J memory comes from there), else the free heap. */
    @Override
    public long availableBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    String[] f = line.trim().split("\\s+");
                    return Long.parseLong(f[1]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Runtime.getRuntime().maxMemory();
    }

    @Override
    public void close() {
        // tensors are closed by their owners; ND4J's native state lives for the process
        gemmConv.close();
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static Nd4jTensor t(Tensor tensor) {
        if (tensor instanceof Nd4jTensor n) {
            return n;
        }
        throw new IllegalArgumentException("tensor " + tensor + " does not belong to the ND4J backend");
    }

    private static String cpuModel() {
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim() + " (" + cores + " cores)";
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the device name is informational
        }
        return System.getProperty("os.arch") + " CPU (" + cores + " cores)";
    }
}
