package io.spikestream.trainer.backend.reference;

/**
 * Pure-Java twins of the CUDA kernels in {@code kernels.cu}, one method per kernel, with the same
 * float operations in the same order and the same double-precision reductions in the same order
 * (a block of {@link #BLOCK} threads, each summing a strided slice, then a halving tree). With the
 * kernels compiled without FMA contraction, a kernel and its twin give bit-identical results from
 * the same inputs, except where the kernels call the device's double {@code exp}/{@code log}
 * (sigmoid stand-in, softmax), which may differ from {@link Math} in the last double bit.
 *
 * <p>These are the test oracles for the GPU (no GPU needed to run them) and the compute core of
 * {@link ReferenceBackend}. Layouts as in the kernels: activations {@code [T·B, C, S]}, per-step
 * parameters {@code [T, C]}.
 */
public final class ReferenceKernels {
    /** Threads per block of the reduction kernels; the reduction order depends on it. */
    public static final int BLOCK = 256;

    private ReferenceKernels() {
    }

    public static void fill(float[] p, float v, int n) {
        for (int i = 0; i < n; i++) {
            p[i] = v;
        }
    }

    public static void axpy(float alpha, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = y[i] + alpha * x[i];
        }
    }

    /** {@code u8_to_f32}: frame counts (unsigned bytes) to floats. */
    public static void u8ToF32(byte[] src, float[] dst, int n) {
        for (int i = 0; i < n; i++) {
            dst[i] = src[i] & 0xFF;
        }
    }

    /** The block reduction of the kernels: s[0] becomes the sum, in the kernels' order. */
    static void blockSum(double[] s1, double[] s2) {
        for (int k = BLOCK / 2; k > 0; k >>= 1) {
            for (int i = 0; i < k; i++) {
                s1[i] += s1[i + k];
                s2[i] += s2[i + k];
            }
        }
    }

    /** {@code bntt_stats}: mean and 1/std per (t, c); training updates the running statistics. */
    public static void bnttStats(float[] z, float[] runMean, float[] runVar, float[] meanOut, float[] invStdOut,
            int timesteps, int batch, int channels, int spatial, float eps, float momentum, boolean training) {
        double[] s1 = new double[BLOCK];
        double[] s2 = new double[BLOCK];
        int n = batch * spatial;
        for (int t = 0; t < timesteps; t++) {
            for (int c = 0; c < channels; c++) {
                int k = t * channels + c;
                float mu;
                float var;
                if (training) {
                    for (int th = 0; th < BLOCK; th++) {
                        double sum = 0;
                        double sq = 0;
                        for (int j = th; j < n; j += BLOCK) {
                            int b = j / spatial;
                            int i = j - b * spatial;
                            float v = z[((t * batch + b) * channels + c) * spatial + i];
                            sum += v;
                            sq += (double) v * (double) v;
                        }
                        s1[th] = sum;
                        s2[th] = sq;
                    }
                    blockSum(s1, s2);
                    double m = s1[0] / n;
                    double vv = Math.max(0.0, s2[0] / n - m * m);
                    mu = (float) m;
                    var = (float) vv;
                    float unbiased = n > 1 ? (float) (vv * n / (n - 1)) : var;
                    runMean[k] = (1.0f - momentum) * runMean[k] + momentum * mu;
                    runVar[k] = (1.0f - momentum) * runVar[k] + momentum * unbiased;
                } else {
                    mu = runMean[k];
                    var = runVar[k];
                }
                meanOut[k] = mu;
                invStdOut[k] = (float) (1.0 / Math.sqrt((double) (var + eps)));
            }
        }
    }

    static float spikeSigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp((double) (-4.0f * x))));
    }

    /** {@code bntt_lif_forward}: the LIF recurrence per neuron; {@code xhat} may be {@code z}. */
    public static void bnttLifForward(float[] z, float[] gamma, float[] mean, float[] invStd, float[] xhat,
            float[] mem, float[] spikes, int timesteps, int batch, int channels, int spatial, float leak,
            float theta, boolean sigmoid) {
        int per = batch * channels * spatial;
        for (int e = 0; e < per; e++) {
            int ch = (e / spatial) % channels;
            float v = 0.0f;
            for (int t = 0; t < timesteps; t++) {
                int idx = t * per + e;
                int k = t * channels + ch;
                float xh = (z[idx] - mean[k]) * invStd[k];
                xhat[idx] = xh;
                float u = leak * v + gamma[k] * xh;
                mem[idx] = u;
                float x = u / theta - 1.0f;
                float s = sigmoid ? spikeSigmoid(x) : (x > 0.0f ? 1.0f : 0.0f);
                spikes[idx] = s;
                v = u - theta * s;
            }
        }
    }

    /** {@code bntt_lif_backward_mem}: dL/dU through time; {@code gz} may be {@code gs}. */
    public static void bnttLifBackwardMem(float[] gs, float[] mem, float[] gz, int timesteps, int batch,
            int channels, int spatial, float leak, float theta, boolean sigmoid) {
        int per = batch * channels * spatial;
        for (int e = 0; e < per; e++) {
            float carry = 0.0f;
            for (int t = timesteps - 1; t >= 0; t--) {
                int idx = t * per + e;
                float u = mem[idx];
                float x = u / theta - 1.0f;
                float gv = leak * carry;
                float gu;
                if (sigmoid) {
                    float sp = spikeSigmoid(x);
                    float fp = 4.0f * sp * (1.0f - sp) / theta;
                    gu = gs[idx] * fp + gv * (1.0f - theta * fp);
                } else {
                    float fp = 0.3f * Math.max(0.0f, 1.0f - Math.abs(x)) / theta;
                    gu = gs[idx] * fp + gv;
                }
                carry = gu;
                gz[idx] = gu;
            }
        }
    }

    /** {@code bntt_backward_sums}: per (t, c) sums of g and g·x̂; accumulates dL/dγ. */
    public static void bnttBackwardSums(float[] gz, float[] xhat, float[] sumG, float[] sumGx, float[] gradGamma,
            int timesteps, int batch, int channels, int spatial) {
        double[] s1 = new double[BLOCK];
        double[] s2 = new double[BLOCK];
        int n = batch * spatial;
        for (int t = 0; t < timesteps; t++) {
            for (int c = 0; c < channels; c++) {
                for (int th = 0; th < BLOCK; th++) {
                    double sg = 0;
                    double sgx = 0;
                    for (int j = th; j < n; j += BLOCK) {
                        int b = j / spatial;
                        int i = j - b * spatial;
                        int idx = ((t * batch + b) * channels + c) * spatial + i;
                        float g = gz[idx];
                        sg += g;
                        sgx += g * xhat[idx];
                    }
                    s1[th] = sg;
                    s2[th] = sgx;
                }
                blockSum(s1, s2);
                int k = t * channels + c;
                sumG[k] = (float) s1[0];
                sumGx[k] = (float) s2[0];
                gradGamma[k] = gradGamma[k] + (float) s2[0];
            }
        }
    }

    /** {@code bntt_backward_finish}: through the batch normalisation, in place on {@code gz}. */
    public static void bnttBackwardFinish(float[] gz, float[] xhat, float[] gamma, float[] invStd, float[] sumG,
            float[] sumGx, int total, int batch, int channels, int spatial) {
        int per = batch * channels * spatial;
        float n = (float) (batch * spatial);
        for (int idx = 0; idx < total; idx++) {
            int t = idx / per;
            int ch = (idx / spatial) % channels;
            int k = t * channels + ch;
            float scale = gamma[k] * invStd[k] / n;
            gz[idx] = scale * (n * gz[idx] - sumG[k] - xhat[idx] * sumGx[k]);
        }
    }

    /** {@code avgpool2_forward}. */
    public static void avgPool2Forward(float[] x, float[] y, int planes, int h, int w, int oh, int ow) {
        int total = planes * oh * ow;
        for (int o = 0; o < total; o++) {
            int p = o / (oh * ow);
            int r = o - p * oh * ow;
            int i = r / ow;
            int j = r - i * ow;
            int r0 = p * h * w + 2 * i * w + 2 * j;
            int r1 = r0 + w;
            y[o] = 0.25f * (x[r0] + x[r0 + 1] + x[r1] + x[r1 + 1]);
        }
    }

    /** {@code avgpool2_backward}. */
    public static void avgPool2Backward(float[] dy, float[] dx, int planes, int h, int w, int oh, int ow) {
        int total = planes * h * w;
        for (int o = 0; o < total; o++) {
            int p = o / (h * w);
            int r = o - p * h * w;
            int row = r / w;
            int col = r - row * w;
            int i = row >> 1;
            int j = col >> 1;
            dx[o] = i < oh && j < ow ? 0.25f * dy[p * oh * ow + i * ow + j] : 0.0f;
        }
    }

    /** {@code time_mean}. */
    public static void timeMean(float[] x, float[] out, int n, int timesteps) {
        float inv = 1.0f / timesteps;
        for (int i = 0; i < n; i++) {
            float sum = 0.0f;
            for (int s = 0; s < timesteps; s++) {
                sum += x[s * n + i];
            }
            out[i] = sum * inv;
        }
    }

    /** {@code time_mean_backward}. */
    public static void timeMeanBackward(float[] dy, float[] dx, int n, int timesteps) {
        float inv = 1.0f / timesteps;
        int total = n * timesteps;
        for (int o = 0; o < total; o++) {
            dx[o] = dy[o % n] * inv;
        }
    }

    /** {@code softmax_xent}: per-sample losses into {@code rowLoss}, gradient into {@code grad}. */
    public static void softmaxXent(float[] logits, int[] labels, float[] grad, double[] rowLoss, int batch,
            int classes) {
        for (int i = 0; i < batch; i++) {
            int off = i * classes;
            float mx = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                mx = Math.max(mx, logits[off + j]);
            }
            double sum = 0.0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp((double) (logits[off + j] - mx));
            }
            double logSum = Math.log(sum) + mx;
            int label = labels[i];
            rowLoss[i] = logSum - logits[off + label];
            for (int j = 0; j < classes; j++) {
                double p = Math.exp(logits[off + j] - logSum);
                grad[off + j] = (float) ((p - (j == label ? 1 : 0)) / batch);
            }
        }
    }

    /** The host side of the loss: rows added in order, divided by the batch. */
    public static float meanLoss(double[] rowLoss, int batch) {
        double loss = 0;
        for (int i = 0; i < batch; i++) {
            loss += rowLoss[i];
        }
        return (float) (loss / batch);
    }

    /** {@code sgd_momentum}. */
    public static void sgdMomentum(float[] p, float[] g, float[] v, float lr, float momentum, float weightDecay,
            int n) {
        for (int i = 0; i < n; i++) {
            float pi = p[i];
            float vi = momentum * v[i] + g[i] + weightDecay * pi;
            v[i] = vi;
            p[i] = pi - lr * vi;
        }
    }
}
