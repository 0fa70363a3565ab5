package io.spikestream.trainer.backend.nd4j;

import java.nio.FloatBuffer;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * 3×3 convolution (stride 1, padding 1) forward and backward-filter that skip zero inputs. Spiking
 * layers read spikes (0/1) or average-pooled spikes and the first layer reads sparse event frames,
 * so most inputs are zero: scattering each non-zero input into a channel-last output costs
 * nnz·9·C_out multiply-adds instead of N·H·W·C_in·9·C_out, which for sparse inputs beats a dense
 * convolution (trainer-nd4j/README.md has the measurements).
 */
final class SparseConv {
    /**
     * Above this fraction of non-zero inputs the im2col + SGEMM path ({@link GemmConv}) is faster:
     * scattering does far fewer multiply-adds, but at a rate an order of magnitude below SGEMM's
     * (the rates behind the threshold are in trainer-nd4j/README.md).
     */
    static final double MAX_DENSITY = 0.125;

    private SparseConv() {
    }

    /** Fraction of non-zero values. */
    static double density(FloatBuffer x, long size) {
        long nz = 0;
        for (int i = 0; i < size; i++) {
            if (x.get(i) != 0f) {
                nz++;
            }
        }
        return size == 0 ? 0 : (double) nz / size;
    }

    /** {@code w[o][i][9]} → {@code wt[i][9][o]}. */
    private static float[] channelLastWeights(float[] w, int co, int ci) {
        float[] wt = new float[w.length];
        for (int o = 0; o < co; o++) {
            for (int i = 0; i < ci; i++) {
                for (int k = 0; k < 9; k++) {
                    wt[(i * 9 + k) * co + o] = w[(o * ci + i) * 9 + k];
                }
            }
        }
        return wt;
    }

    static void forward(FloatBuffer x, float[] w, FloatBuffer y, int n, int ci, int co, int h, int wd) {
        float[] wt = channelLastWeights(w, co, ci);
        int hw = h * wd;
        run(n, b -> {
            float[] xs = new float[ci * hw];
            x.get(b * ci * hw, xs, 0, xs.length);
            float[] yl = new float[hw * co];
            for (int i = 0; i < ci; i++) {
                for (int yy = 0; yy < h; yy++) {
                    for (int xx = 0; xx < wd; xx++) {
                        float v = xs[(i * h + yy) * wd + xx];
                        if (v == 0f) {
                            continue;
                        }
                        for (int kh = 0; kh < 3; kh++) {
                            int oy = yy - kh + 1;
                            if (oy < 0 || oy >= h) {
                                continue;
                            }
                            for (int kw = 0; kw < 3; kw++) {
                                int ox = xx - kw + 1;
                                if (ox < 0 || ox >= wd) {
                                    continue;
                                }
                                int yb = (oy * wd + ox) * co;
                                int wb = (i * 9 + kh * 3 + kw) * co;
                                for (int o = 0; o < co; o++) {
                                    yl[yb + o] += v * wt[wb + o];
                                }
                            }
                        }
                    }
                }
            }
            float[] ys = new float[co * hw];
            for (int p = 0; p < hw; p++) {
                for (int o = 0; o < co; o++) {
                    ys[o * hw + p] = yl[p * co + o];
                }
            }
            y.put(b * co * hw, ys);
        });
    }

    /** {@code dw[o][i][3][3] = Σ_n Σ_pos dy[n,o,pos] · x[n,i,pos+k]}, overwriting dw. */
    static float[] backwardFilter(FloatBuffer x, FloatBuffer dy, int n, int ci, int co, int h, int wd) {
        int hw = h * wd;
        int threads = Math.max(1, Math.min(n, ForkJoinPool.commonPool().getParallelism() + 1));
        float[][] partial = new float[threads][ci * 9 * co];
        IntStream.range(0, threads).parallel().forEach(part -> {
            float[] acc = partial[part];
            float[] xs = new float[ci * hw];
            float[] dys = new float[co * hw];
            float[] dyl = new float[hw * co];
            for (int b = part; b < n; b += threads) {
                x.get(b * ci * hw, xs, 0, xs.length);
                dy.get(b * co * hw, dys, 0, dys.length);
                for (int o = 0; o < co; o++) {
                    for (int p = 0; p < hw; p++) {
                        dyl[p * co + o] = dys[o * hw + p];
                    }
                }
                for (int i = 0; i < ci; i++) {
                    for (int yy = 0; yy < h; yy++) {
                        for (int xx = 0; xx < wd; xx++) {
                            float v = xs[(i * h + yy) * wd + xx];
                            if (v == 0f) {
                                continue;
                            }
                            for (int kh = 0; kh < 3; kh++) {
                                int oy = yy - kh + 1;
                                if (oy < 0 || oy >= h) {
                                    continue;
                                }
                                for (int kw = 0; kw < 3; kw++) {
                                    int ox = xx - kw + 1;
                                    if (ox < 0 || ox >= wd) {
                                        continue;
                                    }
                                    int db = (oy * wd + ox) * co;
                                    int ab = (i * 9 + kh * 3 + kw) * co;
                                    for (int o = 0; o < co; o++) {
                                        acc[ab + o] += v * dyl[db + o];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
        float[] dw = new float[co * ci * 9];
        for (float[] acc : partial) {
            for (int i = 0; i < ci; i++) {
                for (int k = 0; k < 9; k++) {
                    for (int o = 0; o < co; o++) {
                        dw[(o * ci + i) * 9 + k] += acc[(i * 9 + k) * co + o];
                    }
                }
            }
        }
        return dw;
    }

    private interface SampleTask {
        void run(int sample);
    }

    private static void run(int n, SampleTask task) {
        IntStream.range(0, n).parallel().forEach(task::run);
    }
}
