package io.spikestream.trainer.backend.nd4j;

import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BnttLifConfig;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.backend.Tensor;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CPU backend. Convolutions and matrix products go to ND4J (oneDNN / OpenBLAS); the
 * element-wise and reduction primitives (BNTT+LIF, pooling, loss, optimiser) are plain Java loops
 * over the same off-heap memory, because ND4J's per-op overhead (about 20 µs measured on the
 * project machine for an 8k-element add) exceeds their work and they fuse naturally in one pass.
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
        if (Tensor.sizeOf(shape) != s.size()) {
            throw new IllegalArgumentException("cannot reshape " + s + " to " + Arrays.toString(shape));
        }
        long[] ls = Arrays.stream(shape).asLongStream().toArray();
        return new Nd4jTensor(s.array.reshape('c', ls), shape, true);
    }

    @Override
    public void fill(Tensor tensor, float value) {
        FloatBuffer b = t(tensor).buf;
        int n = (int) tensor.size();
        for (int i = 0; i < n; i++) {
            b.put(i, value);
        }
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        sameSize(x, y, "axpy");
        FloatBuffer xb = t(x).buf;
        FloatBuffer yb = t(y).buf;
        int n = (int) x.size();
        for (int i = 0; i < n; i++) {
            yb.put(i, yb.get(i) + alpha * xb.get(i));
        }
    }

    // ---- convolution ----------------------------------------------------------------------------

    @Override
    public void conv3x3Forward(Tensor x, Tensor w, Tensor y) {
        checkConv(x, w, y);
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
        checkConv(dx, w, dy);
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
        checkConv(x, dw, dy);
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

    private static void checkConv(Tensor x, Tensor w, Tensor y) {
        if (x.shape().length != 4 || w.shape().length != 4 || y.shape().length != 4
                || w.dim(2) != 3 || w.dim(3) != 3 || x.dim(1) != w.dim(1) || y.dim(1) != w.dim(0)
                || x.dim(0) != y.dim(0) || x.dim(2) != y.dim(2) || x.dim(3) != y.dim(3)) {
            throw new IllegalArgumentException("conv3x3 shapes do not fit: x " + x + ", w " + w + ", y " + y);
        }
    }

    // ---- matrix products ------------------------------------------------------------------------

    @Override
    public void matmulNT(Tensor a, Tensor b, Tensor c) {
        check2d(a, b, c, a.dim(1) == b.dim(1) && c.dim(0) == a.dim(0) && c.dim(1) == b.dim(0), "matmulNT");
        gemm(false, true, a.dim(0), b.dim(0), a.dim(1), a, b, c);
    }

    @Override
    public void matmulNN(Tensor a, Tensor b, Tensor c) {
        check2d(a, b, c, a.dim(1) == b.dim(0) && c.dim(0) == a.dim(0) && c.dim(1) == b.dim(1), "matmulNN");
        gemm(false, false, a.dim(0), b.dim(1), a.dim(1), a, b, c);
    }

    @Override
    public void matmulTN(Tensor a, Tensor b, Tensor c) {
        check2d(a, b, c, a.dim(0) == b.dim(0) && c.dim(0) == a.dim(1) && c.dim(1) == b.dim(1), "matmulTN");
        gemm(true, false, a.dim(1), b.dim(1), a.dim(0), a, b, c);
    }

    /**
     * Row-major {@code c[m, n] = op(a) · op(b)} through {@link Blas}, without ND4J's per-call work.
     */
    private static void gemm(boolean transA, boolean transB, int m, int n, int k, Tensor a, Tensor b, Tensor c) {
        Blas.sgemm(transA, transB, m, n, k, t(a).ptr(), a.dim(1), t(b).ptr(), b.dim(1), 0f, t(c).ptr(), n);
    }

    private static void check2d(Tensor a, Tensor b, Tensor c, boolean fits, String op) {
        if (a.shape().length != 2 || b.shape().length != 2 || c.shape().length != 2 || !fits) {
            throw new IllegalArgumentException(op + " shapes do not fit: " + a + ", " + b + ", " + c);
        }
    }

    // ---- BNTT + LIF -----------------------------------------------------------------------------

    @Override
    public void bnttLifForward(BnttLifConfig cfg, boolean training, Tensor z, Tensor gamma, Tensor runningMean,
            Tensor runningVar, Tensor xhatOut, Tensor invStdOut, Tensor memOut, Tensor spikesOut) {
        Layout l = Layout.of(cfg, z);
        l.checkPerStep(gamma, "gamma");
        l.checkPerStep(runningMean, "running mean");
        l.checkPerStep(runningVar, "running var");
        l.checkPerStep(invStdOut, "inv std");
        sameSize(z, xhatOut, "bntt xhat");
        sameSize(z, memOut, "bntt mem");
        sameSize(z, spikesOut, "bntt spikes");
        FloatBuffer zb = t(z).buf;
        FloatBuffer xb = t(xhatOut).buf;
        FloatBuffer mb = t(memOut).buf;
        FloatBuffer sb = t(spikesOut).buf;
        FloatBuffer gb = t(gamma).buf;
        FloatBuffer rm = t(runningMean).buf;
        FloatBuffer rv = t(runningVar).buf;
        FloatBuffer is = t(invStdOut).buf;
        final int b = l.batch;
        final int c = l.channels;
        final int s = l.spatial;
        final int n = b * s;
        final float leak = cfg.leak();
        final float theta = cfg.threshold();
        final boolean sigmoid = cfg.spike() == SpikeFunction.SIGMOID;
        final int steps = cfg.timesteps();
        // channels are independent (own statistics, own membranes), so they run in parallel;
        // within a channel the order of every sum is that of a sequential pass
        IntStream.range(0, c).parallel().forEach(ch -> {
            float[] v = new float[b * s]; // membrane after reset, carried over time
            for (int t = 0; t < steps; t++) {
                int base = t * b * c * s;
                int k = t * c + ch;
                float mu;
                float var;
                if (training) {
                    double sum = 0;
                    double sq = 0;
                    for (int bi = 0; bi < b; bi++) {
                        int off = base + (bi * c + ch) * s;
                        for (int i = 0; i < s; i++) {
                            float val = zb.get(off + i);
                            sum += val;
                            sq += (double) val * val;
                        }
                    }
                    double m = sum / n;
                    double vv = Math.max(0, sq / n - m * m);
                    mu = (float) m;
                    var = (float) vv;
                    float unbiased = n > 1 ? (float) (vv * n / (n - 1)) : var;
                    rm.put(k, (1 - cfg.momentum()) * rm.get(k) + cfg.momentum() * mu);
                    rv.put(k, (1 - cfg.momentum()) * rv.get(k) + cfg.momentum() * unbiased);
                } else {
                    mu = rm.get(k);
                    var = rv.get(k);
                }
                float inv = (float) (1.0 / Math.sqrt(var + cfg.eps()));
                is.put(k, inv);
                float g = gb.get(k);
                for (int bi = 0; bi < b; bi++) {
                    int local = bi * s;
                    int off = base + (bi * c + ch) * s;
                    for (int i = 0; i < s; i++) {
                        float xh = (zb.get(off + i) - mu) * inv;
                        xb.put(off + i, xh);
                        float u = leak * v[local + i] + g * xh;
                        mb.put(off + i, u);
                        float x = u / theta - 1f;
                        float spike = sigmoid ? sigmoid(x) : (x > 0 ? 1f : 0f);
                        sb.put(off + i, spike);
                        v[local + i] = u - theta * spike;
                    }
                }
            }
        });
    }

    @Override
    public void bnttLifBackward(BnttLifConfig cfg, Tensor gradSpikes, Tensor mem, Tensor xhat, Tensor invStd,
            Tensor gamma, Tensor gradGamma, Tensor gradZOut) {
        Layout l = Layout.of(cfg, gradSpikes);
        l.checkPerStep(gamma, "gamma");
        l.checkPerStep(gradGamma, "gamma gradient");
        l.checkPerStep(invStd, "inv std");
        sameSize(gradSpikes, mem, "bntt backward mem");
        sameSize(gradSpikes, xhat, "bntt backward xhat");
        sameSize(gradSpikes, gradZOut, "bntt backward dz");
        FloatBuffer gs = t(gradSpikes).buf;
        FloatBuffer mb = t(mem).buf;
        FloatBuffer xb = t(xhat).buf;
        FloatBuffer ib = t(invStd).buf;
        FloatBuffer gb = t(gamma).buf;
        FloatBuffer ggb = t(gradGamma).buf;
        FloatBuffer gz = t(gradZOut).buf;
        final int b = l.batch;
        final int c = l.channels;
        final int s = l.spatial;
        final int n = b * s;
        final float leak = cfg.leak();
        final float theta = cfg.threshold();
        final boolean sigmoid = cfg.spike() == SpikeFunction.SIGMOID;
        final int steps = cfg.timesteps();
        // channels are independent, as in the forward pass
        IntStream.range(0, c).parallel().forEach(ch -> {
            float[] carry = new float[b * s]; // dL/dU at step t+1
            for (int t = steps - 1; t >= 0; t--) {
                int base = t * b * c * s;
                int k = t * c + ch;
                double sumG = 0;
                double sumGx = 0;
                for (int bi = 0; bi < b; bi++) {
                    int local = bi * s;
                    int off = base + (bi * c + ch) * s;
                    double sg = 0;
                    double sgx = 0;
                    for (int i = 0; i < s; i++) {
                        float u = mb.get(off + i);
                        float x = u / theta - 1f;
                        float gv = leak * carry[local + i];
                        float gu;
                        if (sigmoid) {
                            float sp = sigmoid(x);
                            float fp = SpikeFunction.SIGMOID_SLOPE * sp * (1 - sp) / theta;
                            gu = gs.get(off + i) * fp + gv * (1 - theta * fp);
                        } else {
                            float fp = SpikeFunction.SURROGATE_SCALE * Math.max(0f, 1f - Math.abs(x)) / theta;
                            gu = gs.get(off + i) * fp + gv;
                        }
                        carry[local + i] = gu;
                        gz.put(off + i, gu); // dL/d(γ·x̂) for now
                        sg += gu;
                        sgx += gu * xb.get(off + i);
                    }
                    sumG += sg;
                    sumGx += sgx;
                }
                ggb.put(k, ggb.get(k) + (float) sumGx);
                float scale = gb.get(k) * ib.get(k) / n;
                float mg = (float) sumG;
                float mgx = (float) sumGx;
                for (int bi = 0; bi < b; bi++) {
                    int off = base + (bi * c + ch) * s;
                    for (int i = 0; i < s; i++) {
                        gz.put(off + i, scale * (n * gz.get(off + i) - mg - xb.get(off + i) * mgx));
                    }
                }
            }
        });
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-SpikeFunction.SIGMOID_SLOPE * x)));
    }

    /** [T·B, C, spatial...] seen as batch B, channels C and spatial size S. */
    private record Layout(int timesteps, int batch, int channels, int spatial) {
        static Layout of(BnttLifConfig cfg, Tensor z) {
            int[] s = z.shape();
            if (s.length < 2 || s[0] % cfg.timesteps() != 0) {
                throw new IllegalArgumentException("BNTT input " + z + " is not [T·B, C, ...] with T = " + cfg.timesteps());
            }
            int spatial = 1;
            for (int i = 2; i < s.length; i++) {
                spatial *= s[i];
            }
            return new Layout(cfg.timesteps(), s[0] / cfg.timesteps(), s[1], spatial);
        }

        void checkPerStep(Tensor p, String what) {
            if (p.size() != (long) timesteps * channels) {
                throw new IllegalArgumentException("BNTT " + what + " " + p + " is not [T, C] = [" + timesteps + ", " + channels + "]");
            }
        }
    }

    // ---- pooling, readout, loss, optimiser ------------------------------------------------------

    @Override
    public void avgPool2Forward(Tensor x, Tensor y) {
        checkPool(x, y);
        FloatBuffer xb = t(x).buf;
        FloatBuffer yb = t(y).buf;
        int planes = x.dim(0) * x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int oh = y.dim(2);
        int ow = y.dim(3);
        IntStream.range(0, planes).parallel().forEach(p -> {
            int xi = p * h * w;
            int yi = p * oh * ow;
            for (int i = 0; i < oh; i++) {
                int r0 = xi + 2 * i * w;
                int r1 = r0 + w;
                for (int j = 0; j < ow; j++) {
                    int c = 2 * j;
                    yb.put(yi + i * ow + j, 0.25f * (xb.get(r0 + c) + xb.get(r0 + c + 1) + xb.get(r1 + c) + xb.get(r1 + c + 1)));
                }
            }
        });
    }

    @Override
    public void avgPool2Backward(Tensor dy, Tensor dx) {
        checkPool(dx, dy);
        FloatBuffer xb = t(dx).buf;
        FloatBuffer yb = t(dy).buf;
        int planes = dx.dim(0) * dx.dim(1);
        int h = dx.dim(2);
        int w = dx.dim(3);
        int oh = dy.dim(2);
        int ow = dy.dim(3);
        IntStream.range(0, planes).parallel().forEach(p -> {
            int xi = p * h * w;
            int yi = p * oh * ow;
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    int i = r >> 1;
                    int j = c >> 1;
                    xb.put(xi + r * w + c, i < oh && j < ow ? 0.25f * yb.get(yi + i * ow + j) : 0f);
                }
            }
        });
    }

    private static void checkPool(Tensor x, Tensor y) {
        if (x.shape().length != 4 || y.shape().length != 4 || x.dim(0) != y.dim(0) || x.dim(1) != y.dim(1)
                || y.dim(2) != x.dim(2) / 2 || y.dim(3) != x.dim(3) / 2) {
            throw new IllegalArgumentException("avg pool shapes do not fit: " + x + " → " + y);
        }
    }

    @Override
    public void timeMean(Tensor x, int timesteps, Tensor out) {
        if (x.size() != out.size() * timesteps) {
            throw new IllegalArgumentException("time mean of " + x + " over " + timesteps + " steps into " + out);
        }
        FloatBuffer xb = t(x).buf;
        FloatBuffer ob = t(out).buf;
        int n = (int) out.size();
        float inv = 1f / timesteps;
        for (int i = 0; i < n; i++) {
            float sum = 0;
            for (int s = 0; s < timesteps; s++) {
                sum += xb.get(s * n + i);
            }
            ob.put(i, sum * inv);
        }
    }

    @Override
    public void timeMeanBackward(Tensor dy, int timesteps, Tensor dx) {
        if (dx.size() != dy.size() * timesteps) {
            throw new IllegalArgumentException("time mean backward of " + dy + " over " + timesteps + " steps into " + dx);
        }
        FloatBuffer yb = t(dy).buf;
        FloatBuffer xb = t(dx).buf;
        int n = (int) dy.size();
        float inv = 1f / timesteps;
        for (int s = 0; s < timesteps; s++) {
            for (int i = 0; i < n; i++) {
                xb.put(s * n + i, yb.get(i) * inv);
            }
        }
    }

    @Override
    public float softmaxCrossEntropy(Tensor logits, int[] labels, Tensor gradLogits) {
        if (logits.shape().length != 2 || logits.dim(0) != labels.length) {
            throw new IllegalArgumentException("loss: logits " + logits + " for " + labels.length + " labels");
        }
        sameSize(logits, gradLogits, "loss gradient");
        FloatBuffer lb = t(logits).buf;
        FloatBuffer gb = t(gradLogits).buf;
        int b = logits.dim(0);
        int k = logits.dim(1);
        double loss = 0;
        for (int i = 0; i < b; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("label " + labels[i] + " at batch index " + i + " outside 0.." + (k - 1));
            }
            int off = i * k;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, lb.get(off + j));
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(lb.get(off + j) - max);
            }
            double logSum = Math.log(sum) + max;
            loss += logSum - lb.get(off + labels[i]);
            for (int j = 0; j < k; j++) {
                double p = Math.exp(lb.get(off + j) - logSum);
                gb.put(off + j, (float) ((p - (j == labels[i] ? 1 : 0)) / b));
            }
        }
        return (float) (loss / b);
    }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay) {
        sameSize(param, grad, "sgd gradient");
        sameSize(param, velocity, "sgd velocity");
        FloatBuffer p = t(param).buf;
        FloatBuffer g = t(grad).buf;
        FloatBuffer v = t(velocity).buf;
        int n = (int) param.size();
        for (int i = 0; i < n; i++) {
            float pi = p.get(i);
            float vi = momentum * v.get(i) + g.get(i) + weightDecay * pi;
            v.put(i, vi);
            p.put(i, pi - lr * vi);
        }
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

    private static void sameSize(Tensor a, Tensor b, String what) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(what + ": sizes differ, " + a + " vs " + b);
        }
    }

    private static void sameShape(Tensor a, Tensor b, String what) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(what + ": shapes differ, " + a + " vs " + b);
        }
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
