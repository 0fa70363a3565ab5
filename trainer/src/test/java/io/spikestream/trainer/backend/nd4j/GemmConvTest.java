package io.spikestream.trainer.backend.nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.spikestream.trainer.backend.Tensor;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The im2col + SGEMM convolutions, the sparse convolutions and the split SGEMM of the default CPU
 * backend against independent double loops: odd and one-pixel-wide images, several chunks of
 * samples (the filter gradient accumulated over chunks), inputs on both sides of the sparse
 * threshold, products large enough to be split over threads.
 */
class GemmConvTest {
    private static Nd4jBackend be;
    private final Random rnd = new Random(11);

    @BeforeAll
    static void open() {
        be = new Nd4jBackend();
    }

    @AfterAll
    static void close() {
        be.close();
    }

    @Test
    void convolutionsMatchDirectLoopsDenseAndSparse() {
        int[][] shapes = {{3, 5, 7, 6, 4}, {2, 1, 3, 1, 5}, {2, 4, 2, 5, 1}, {4, 16, 8, 9, 7}};
        for (int[] s : shapes) {
            for (double density : new double[] {1.0, 0.05}) {
                check(s[0], s[1], s[2], s[3], s[4], density);
            }
        }
    }

    @Test
    void chunksOfSamplesGiveTheSameResult() {
        int n = 5, ci = 3, co = 4, h = 6, w = 5;
        float[] x = random(n * ci * h * w, 1.0);
        float[] wt = random(co * ci * 9, 1.0);
        float[] dy = random(n * co * h * w, 1.0);
        float[] y = new float[n * co * h * w];
        float[] dx = new float[n * ci * h * w];
        float[] dw = new float[co * ci * 9];
        directForward(x, wt, y, n, ci, co, h, w);
        directBackward(x, wt, dy, dx, dw, n, ci, co, h, w);
        // one sample per chunk: the filter gradient is accumulated over 5 products
        try (GemmConv conv = new GemmConv(1); Tensor tx = be.upload(x, n, ci, h, w); Tensor tw = be.upload(wt, co, ci, 3, 3);
                Tensor tdy = be.upload(dy, n, co, h, w); Tensor ty = be.allocate(n, co, h, w);
                Tensor tdx = be.allocate(n, ci, h, w); Tensor tdw = be.allocate(co, ci, 3, 3)) {
            conv.forward(t(tx).buf, t(tw).ptr(), t(ty).buf, t(ty).ptr(), n, ci, co, h, w);
            conv.backwardData(t(tdy).buf, wt, t(tdx).buf, t(tdx).ptr(), n, ci, co, h, w);
            be.fill(tdw, 99f); // overwritten, not accumulated into
            conv.backwardFilter(t(tx).buf, t(tdy).buf, t(tdw).ptr(), n, ci, co, h, w);
            assertClose(be.download(ty), y, "chunked forward");
            assertClose(be.download(tdx), dx, "chunked backward data");
            assertClose(be.download(tdw), dw, "chunked backward filter");
        }
    }

    @Test
    void splitMatrixProductsMatchDirectLoops() {
        int m = 37, k = 300, n = 131; // m·n·k above the split threshold, n not a multiple of the block
        float[] a = random(m * k, 1.0);
        float[] b = random(n * k, 1.0);
        float[] bt = new float[k * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                bt[j * n + i] = b[i * k + j];
            }
        }
        float[] expect = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) {
                    s += (double) a[i * k + q] * b[j * k + q];
                }
                expect[i * n + j] = (float) s;
            }
        }
        float[] at = new float[k * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                at[j * m + i] = a[i * k + j];
            }
        }
        try (Tensor ta = be.upload(a, m, k); Tensor tb = be.upload(b, n, k); Tensor tbt = be.upload(bt, k, n);
                Tensor tat = be.upload(at, k, m); Tensor tc = be.allocate(m, n)) {
            be.matmulNT(ta, tb, tc);
            assertClose(be.download(tc), expect, "matmulNT");
            be.matmulNN(ta, tbt, tc);
            assertClose(be.download(tc), expect, "matmulNN");
            be.matmulTN(tat, tbt, tc);
            assertClose(be.download(tc), expect, "matmulTN");
        }
    }

    private void check(int n, int ci, int co, int h, int w, double density) {
        String what = n + "x" + ci + "->" + co + " " + h + "x" + w + " density " + density;
        float[] x = random(n * ci * h * w, density);
        float[] wt = random(co * ci * 9, 1.0);
        float[] dy = random(n * co * h * w, 1.0);
        float[] y = new float[n * co * h * w];
        float[] dx = new float[n * ci * h * w];
        float[] dw = new float[co * ci * 9];
        directForward(x, wt, y, n, ci, co, h, w);
        directBackward(x, wt, dy, dx, dw, n, ci, co, h, w);
        try (Tensor tx = be.upload(x, n, ci, h, w); Tensor tw = be.upload(wt, co, ci, 3, 3);
                Tensor tdy = be.upload(dy, n, co, h, w); Tensor ty = be.allocate(n, co, h, w);
                Tensor tdx = be.allocate(n, ci, h, w); Tensor tdw = be.allocate(co, ci, 3, 3)) {
            be.conv3x3Forward(tx, tw, ty);
            assertClose(be.download(ty), y, "forward " + what);
            be.fill(tdx, 99f);
            be.fill(tdw, 99f);
            be.conv3x3Backward(tx, tw, tdy, tdx, tdw);
            assertClose(be.download(tdx), dx, "backward data " + what);
            assertClose(be.download(tdw), dw, "backward filter " + what);
        }
    }

    private static void directForward(float[] x, float[] w, float[] y, int n, int ci, int co, int h, int wd) {
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < co; o++) {
                for (int r = 0; r < h; r++) {
                    for (int c = 0; c < wd; c++) {
                        double s = 0;
                        for (int i = 0; i < ci; i++) {
                            for (int kr = 0; kr < 3; kr++) {
                                for (int kc = 0; kc < 3; kc++) {
                                    int rr = r + kr - 1;
                                    int cc = c + kc - 1;
                                    if (rr >= 0 && rr < h && cc >= 0 && cc < wd) {
                                        s += (double) x[((b * ci + i) * h + rr) * wd + cc] * w[((o * ci + i) * 3 + kr) * 3 + kc];
                                    }
                                }
                            }
                        }
                        y[((b * co + o) * h + r) * wd + c] = (float) s;
                    }
                }
            }
        }
    }

    private static void directBackward(float[] x, float[] w, float[] dy, float[] dx, float[] dw, int n, int ci, int co,
            int h, int wd) {
        double[] gx = new double[dx.length];
        double[] gw = new double[dw.length];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < co; o++) {
                for (int r = 0; r < h; r++) {
                    for (int c = 0; c < wd; c++) {
                        double g = dy[((b * co + o) * h + r) * wd + c];
                        for (int i = 0; i < ci; i++) {
                            for (int kr = 0; kr < 3; kr++) {
                                for (int kc = 0; kc < 3; kc++) {
                                    int rr = r + kr - 1;
                                    int cc = c + kc - 1;
                                    if (rr >= 0 && rr < h && cc >= 0 && cc < wd) {
                                        int xi = ((b * ci + i) * h + rr) * wd + cc;
                                        int wi = ((o * ci + i) * 3 + kr) * 3 + kc;
                                        gx[xi] += g * w[wi];
                                        gw[wi] += g * x[xi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < dx.length; i++) {
            dx[i] = (float) gx[i];
        }
        for (int i = 0; i < dw.length; i++) {
            dw[i] = (float) gw[i];
        }
    }

    private float[] random(int size, double density) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            if (rnd.nextDouble() < density) {
                a[i] = (float) rnd.nextGaussian();
            }
        }
        return a;
    }

    private static void assertClose(float[] actual, float[] expect, String what) {
        assertThat(actual).as(what).hasSize(expect.length);
        for (int i = 0; i < expect.length; i++) {
            assertThat(actual[i]).as(what + " at " + i).isCloseTo(expect[i], within(1e-4f * (1 + Math.abs(expect[i]))));
        }
    }

    private static Nd4jTensor t(Tensor tensor) {
        return (Nd4jTensor) tensor;
    }
}
