package io.spikestream.trainer.backend.nd4j;

import io.spikestream.trainer.backend.BnttLifConfig;
import io.spikestream.trainer.backend.Shapes;
import io.spikestream.trainer.backend.SpikeFunction;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The CPU backend's element-wise and reduction primitives as plain Java loops over the tensors'
 * off-heap buffers: ND4J's per-op overhead is larger than this work, and the steps of each
 * primitive fuse naturally into one pass. Arguments are checked by {@link Nd4jBackend}.
 *
 * <p>Parallel loops run over independent units only (BNTT channels, pooling planes), so every sum
 * keeps the order of a sequential pass and the results do not depend on the thread count.
 */
final class BufferLoops {
    private BufferLoops() {
    }

    static void bnttLifForward(BnttLifConfig cfg, Shapes.Layout l, boolean training, FloatBuffer zb, FloatBuffer gb,
            FloatBuffer rm, FloatBuffer rv, FloatBuffer xb, FloatBuffer is, FloatBuffer mb, FloatBuffer sb) {
        final int b = l.batch();
        final int c = l.channels();
        final int s = l.spatial();
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

    static void bnttLifBackward(BnttLifConfig cfg, Shapes.Layout l, FloatBuffer gs, FloatBuffer mb, FloatBuffer xb,
            FloatBuffer ib, FloatBuffer gb, FloatBuffer ggb, FloatBuffer gz) {
        final int b = l.batch();
        final int c = l.channels();
        final int s = l.spatial();
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

    /** 2×2 average pooling of {@code planes} planes of h×w into oh×ow (odd edges dropped). */
    static void avgPool2Forward(FloatBuffer xb, FloatBuffer yb, int planes, int h, int w, int oh, int ow) {
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

    static void avgPool2Backward(FloatBuffer yb, FloatBuffer xb, int planes, int h, int w, int oh, int ow) {
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

    /** {@code ob[i] = mean over s of xb[s·n + i]}. */
    static void timeMean(FloatBuffer xb, FloatBuffer ob, int n, int timesteps) {
        float inv = 1f / timesteps;
        for (int i = 0; i < n; i++) {
            float sum = 0;
            for (int s = 0; s < timesteps; s++) {
                sum += xb.get(s * n + i);
            }
            ob.put(i, sum * inv);
        }
    }

    static void timeMeanBackward(FloatBuffer yb, FloatBuffer xb, int n, int timesteps) {
        float inv = 1f / timesteps;
        for (int s = 0; s < timesteps; s++) {
            for (int i = 0; i < n; i++) {
                xb.put(s * n + i, yb.get(i) * inv);
            }
        }
    }

    /** Mean softmax cross-entropy of {@code b} rows of {@code k} logits; the gradient into {@code gb}. */
    static float softmaxCrossEntropy(FloatBuffer lb, int[] labels, FloatBuffer gb, int b, int k) {
        double loss = 0;
        for (int i = 0; i < b; i++) {
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

    /** PyTorch's SGD with momentum and weight decay: {@code v = μ·v + g + wd·p; p −= lr·v}. */
    static void sgdMomentum(FloatBuffer p, FloatBuffer g, FloatBuffer v, int n, float lr, float momentum, float weightDecay) {
        for (int i = 0; i < n; i++) {
            float pi = p.get(i);
            float vi = momentum * v.get(i) + g.get(i) + weightDecay * pi;
            v.put(i, vi);
            p.put(i, pi - lr * vi);
        }
    }

    static void fill(FloatBuffer b, float value, int n) {
        for (int i = 0; i < n; i++) {
            b.put(i, value);
        }
    }

    static void axpy(float alpha, FloatBuffer xb, FloatBuffer yb, int n) {
        for (int i = 0; i < n; i++) {
            yb.put(i, yb.get(i) + alpha * xb.get(i));
        }
    }
}
