package io.spikestream.trainer.backend.nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.spikestream.trainer.backend.Tensor;
import io.spikestream.trainer.backend.reference.ReferenceBackend;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The im2col + SGEMM convolutions, the sparse convolutions and the split SGEMM of the default CPU
 * backend against independent double loops (the Java reference backend's for the convolutions): odd and one-pixel-wide images, several chunks of
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
        float[][] expect = reference(x, wt, dy, n, ci, co, h, w);
        float[] y = expect[0];
        float[] dx = expect[1];
        float[] dw = expect[2];
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
        float[][] expect = reference(x, wt, dy, n, ci, co, h, w);
        float[] y = expect[0];
        float[] dx = expect[1];
        float[] dw = expect[2];
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

    /**
     * {y, dx, dw} from {@link ReferenceBackend} (direct loops, double accumulation; the CUDA kernels'
     * oracle too), which shares no code with GemmConv or SparseConv.
     */
    private static float[][] reference(float[] x, float[] w, float[] dy, int n, int ci, int co, int h, int wd) {
        try (ReferenceBackend ref = new ReferenceBackend(); Tensor tx = ref.upload(x, n, ci, h, wd);
                Tensor tw = ref.upload(w, co, ci, 3, 3); Tensor tdy = ref.upload(dy, n, co, h, wd);
                Tensor ty = ref.allocate(n, co, h, wd); Tensor tdx = ref.allocate(n, ci, h, wd);
                Tensor tdw = ref.allocate(co, ci, 3, 3)) {
            ref.conv3x3Forward(tx, tw, ty);
            ref.conv3x3BackwardData(tdy, tw, tdx);
            ref.conv3x3BackwardFilter(tx, tdy, tdw);
            return new float[][] {ref.download(ty), ref.download(tdx), ref.download(tdw)};
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
