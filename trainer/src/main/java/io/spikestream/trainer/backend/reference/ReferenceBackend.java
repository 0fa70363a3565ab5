package io.spikestream.trainer.backend.reference;

import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BnttLifConfig;
import io.spikestream.trainer.backend.Shapes;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.backend.Tensor;

/**
 * A slow, dependency-free backend that runs the CUDA kernels' Java twins ({@link ReferenceKernels})
 * on Java arrays, with direct loops (double accumulation) for convolutions and matrix products. It
 * is the oracle that CUDA results are compared with, also on a GPU machine that has no ND4J, and
 * the tests check it against the ND4J backend. Selectable as {@code --backend reference}
 * ({@link ReferenceBackendProvider}) to rehearse the bare-GPU package's session on a CPU; {@code
 * auto} never picks it.
 */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String implementation() {
        return "java-reference";
    }

    @Override
    public String device() {
        return "JVM";
    }

    @Override
    public Tensor allocate(int... shape) {
        return new HostTensor(new float[Math.toIntExact(Tensor.sizeOf(shape))], shape);
    }

    @Override
    public void upload(float[] values, Tensor dst) {
        HostTensor d = t(dst);
        if (values.length != d.size()) {
            throw new IllegalArgumentException("upload of " + values.length + " values into " + d);
        }
        System.arraycopy(values, 0, d.data, 0, values.length);
    }

    @Override
    public void uploadCounts(byte[] counts, Tensor dst) {
        HostTensor d = t(dst);
        if (counts.length != d.size()) {
            throw new IllegalArgumentException("upload of " + counts.length + " counts into " + d);
        }
        ReferenceKernels.u8ToF32(counts, d.data, counts.length);
    }

    @Override
    public void download(Tensor src, float[] dst) {
        HostTensor s = t(src);
        if (dst.length < s.size()) {
            throw new IllegalArgumentException("download of " + s + " into " + dst.length + " floats");
        }
        System.arraycopy(s.data, 0, dst, 0, (int) s.size());
    }

    @Override
    public Tensor reshape(Tensor tensor, int... shape) {
        Shapes.reshape(tensor, shape);
        return new HostTensor(t(tensor).data, shape);
    }

    @Override
    public void fill(Tensor tensor, float value) {
        ReferenceKernels.fill(t(tensor).data, value, (int) tensor.size());
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        Shapes.sameSize(x, y, "axpy");
        ReferenceKernels.axpy(alpha, t(x).data, t(y).data, (int) x.size());
    }

    @Override
    public void conv3x3Forward(Tensor x, Tensor w, Tensor y) {
        Shapes.conv(x, w, y);
        float[] xs = t(x).data;
        float[] ws = t(w).data;
        float[] ys = t(y).data;
        int n = x.dim(0), ci = x.dim(1), co = w.dim(0), h = x.dim(2), wd = x.dim(3);
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < co; o++) {
                for (int r = 0; r < h; r++) {
                    for (int c = 0; c < wd; c++) {
                        double s = 0;
                        for (int i = 0; i < ci; i++) {
                            for (int kr = 0; kr < 3; kr++) {
                                int rr = r + kr - 1;
                                if (rr < 0 || rr >= h) {
                                    continue;
                                }
                                for (int kc = 0; kc < 3; kc++) {
                                    int cc = c + kc - 1;
                                    if (cc >= 0 && cc < wd) {
                                        s += xs[((b * ci + i) * h + rr) * wd + cc] * ws[((o * ci + i) * 3 + kr) * 3 + kc];
                                    }
                                }
                            }
                        }
                        ys[((b * co + o) * h + r) * wd + c] = (float) s;
                    }
                }
            }
        }
    }

    @Override
    public void conv3x3BackwardData(Tensor dy, Tensor w, Tensor dx) {
        Shapes.conv(dx, w, dy);
        float[] gy = t(dy).data;
        float[] ws = t(w).data;
        float[] gx = t(dx).data;
        int n = dx.dim(0), ci = dx.dim(1), co = w.dim(0), h = dx.dim(2), wd = dx.dim(3);
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < ci; i++) {
                for (int r = 0; r < h; r++) {
                    for (int c = 0; c < wd; c++) {
                        double s = 0;
                        for (int o = 0; o < co; o++) {
                            for (int kr = 0; kr < 3; kr++) {
                                int rr = r - kr + 1; // output row that saw input row r through tap kr
                                if (rr < 0 || rr >= h) {
                                    continue;
                                }
                                for (int kc = 0; kc < 3; kc++) {
                                    int cc = c - kc + 1;
                                    if (cc >= 0 && cc < wd) {
                                        s += gy[((b * co + o) * h + rr) * wd + cc] * ws[((o * ci + i) * 3 + kr) * 3 + kc];
                                    }
                                }
                            }
                        }
                        gx[((b * ci + i) * h + r) * wd + c] = (float) s;
                    }
                }
            }
        }
    }

    @Override
    public void conv3x3BackwardFilter(Tensor x, Tensor dy, Tensor dw) {
        Shapes.conv(x, dw, dy);
        float[] xs = t(x).data;
        float[] gy = t(dy).data;
        float[] gw = t(dw).data;
        int n = x.dim(0), ci = x.dim(1), co = dw.dim(0), h = x.dim(2), wd = x.dim(3);
        for (int o = 0; o < co; o++) {
            for (int i = 0; i < ci; i++) {
                for (int kr = 0; kr < 3; kr++) {
                    for (int kc = 0; kc < 3; kc++) {
                        double s = 0;
                        for (int b = 0; b < n; b++) {
                            for (int r = 0; r < h; r++) {
                                int rr = r + kr - 1;
                                if (rr < 0 || rr >= h) {
                                    continue;
                                }
                                for (int c = 0; c < wd; c++) {
                                    int cc = c + kc - 1;
                                    if (cc >= 0 && cc < wd) {
                                        s += xs[((b * ci + i) * h + rr) * wd + cc] * gy[((b * co + o) * h + r) * wd + c];
                                    }
                                }
                            }
                        }
                        gw[((o * ci + i) * 3 + kr) * 3 + kc] = (float) s;
                    }
                }
            }
        }
    }

    @Override
    public void matmulNT(Tensor a, Tensor b, Tensor c) {
        Shapes.matmulNT(a, b, c);
        gemm(t(a).data, false, t(b).data, true, t(c).data, a.dim(0), b.dim(0), a.dim(1));
    }

    @Override
    public void matmulNN(Tensor a, Tensor b, Tensor c) {
        Shapes.matmulNN(a, b, c);
        gemm(t(a).data, false, t(b).data, false, t(c).data, a.dim(0), b.dim(1), a.dim(1));
    }

    @Override
    public void matmulTN(Tensor a, Tensor b, Tensor c) {
        Shapes.matmulTN(a, b, c);
        gemm(t(a).data, true, t(b).data, false, t(c).data, a.dim(1), b.dim(1), a.dim(0));
    }

    /** Row-major {@code c[m,n] = op(a)[m,k] · op(b)[k,n]} with double accumulation. */
    private static void gemm(float[] a, boolean ta, float[] b, boolean tb, float[] c, int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = ta ? a[p * m + i] : a[i * k + p];
                    float bv = tb ? b[j * k + p] : b[p * n + j];
                    s += (double) av * bv;
                }
                c[i * n + j] = (float) s;
            }
        }
    }

    @Override
    public void bnttLifForward(BnttLifConfig cfg, boolean training, Tensor z, Tensor gamma, Tensor runningMean,
            Tensor runningVar, Tensor xhatOut, Tensor invStdOut, Tensor memOut, Tensor spikesOut) {
        Shapes.Layout l = Shapes.bnttForward(cfg, z, gamma, runningMean, runningVar, xhatOut, invStdOut, memOut, spikesOut);
        float[] mean = new float[l.timesteps() * l.channels()];
        ReferenceKernels.bnttStats(t(z).data, t(runningMean).data, t(runningVar).data, mean, t(invStdOut).data,
                l.timesteps(), l.batch(), l.channels(), l.spatial(), cfg.eps(), cfg.momentum(), training);
        ReferenceKernels.bnttLifForward(t(z).data, t(gamma).data, mean, t(invStdOut).data, t(xhatOut).data,
                t(memOut).data, t(spikesOut).data, l.timesteps(), l.batch(), l.channels(), l.spatial(), cfg.leak(),
                cfg.threshold(), cfg.spike() == SpikeFunction.SIGMOID);
    }

    @Override
    public void bnttLifBackward(BnttLifConfig cfg, Tensor gradSpikes, Tensor mem, Tensor xhat, Tensor invStd,
            Tensor gamma, Tensor gradGamma, Tensor gradZOut) {
        Shapes.Layout l = Shapes.bnttBackward(cfg, gradSpikes, mem, xhat, invStd, gamma, gradGamma, gradZOut);
        float[] gz = t(gradZOut).data;
        ReferenceKernels.bnttLifBackwardMem(t(gradSpikes).data, t(mem).data, gz, l.timesteps(), l.batch(),
                l.channels(), l.spatial(), cfg.leak(), cfg.threshold(), cfg.spike() == SpikeFunction.SIGMOID);
        float[] sumG = new float[l.timesteps() * l.channels()];
        float[] sumGx = new float[sumG.length];
        ReferenceKernels.bnttBackwardSums(gz, t(xhat).data, sumG, sumGx, t(gradGamma).data, l.timesteps(), l.batch(),
                l.channels(), l.spatial());
        ReferenceKernels.bnttBackwardFinish(gz, t(xhat).data, t(gamma).data, t(invStd).data, sumG, sumGx, l.total(),
                l.batch(), l.channels(), l.spatial());
    }

    @Override
    public void avgPool2Forward(Tensor x, Tensor y) {
        Shapes.pool(x, y);
        ReferenceKernels.avgPool2Forward(t(x).data, t(y).data, x.dim(0) * x.dim(1), x.dim(2), x.dim(3), y.dim(2), y.dim(3));
    }

    @Override
    public void avgPool2Backward(Tensor dy, Tensor dx) {
        Shapes.pool(dx, dy);
        ReferenceKernels.avgPool2Backward(t(dy).data, t(dx).data, dx.dim(0) * dx.dim(1), dx.dim(2), dx.dim(3), dy.dim(2),
                dy.dim(3));
    }

    @Override
    public void timeMean(Tensor x, int timesteps, Tensor out) {
        Shapes.timeMean(x, timesteps, out);
        ReferenceKernels.timeMean(t(x).data, t(out).data, (int) out.size(), timesteps);
    }

    @Override
    public void timeMeanBackward(Tensor dy, int timesteps, Tensor dx) {
        Shapes.timeMeanBackward(dy, timesteps, dx);
        ReferenceKernels.timeMeanBackward(t(dy).data, t(dx).data, (int) dy.size(), timesteps);
    }

    @Override
    public float softmaxCrossEntropy(Tensor logits, int[] labels, Tensor gradLogits) {
        Shapes.loss(logits, labels, gradLogits);
        double[] rows = new double[labels.length];
        ReferenceKernels.softmaxXent(t(logits).data, labels, t(gradLogits).data, rows, logits.dim(0), logits.dim(1));
        return ReferenceKernels.meanLoss(rows, labels.length);
    }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay) {
        Shapes.sgd(param, grad, velocity);
        ReferenceKernels.sgdMomentum(t(param).data, t(grad).data, t(velocity).data, lr, momentum, weightDecay,
                (int) param.size());
    }

    @Override
    public void close() {
        // nothing native
    }

    private static HostTensor t(Tensor tensor) {
        if (tensor instanceof HostTensor h) {
            return h;
        }
        throw new IllegalArgumentException("tensor " + tensor + " does not belong to the reference backend");
    }
}
