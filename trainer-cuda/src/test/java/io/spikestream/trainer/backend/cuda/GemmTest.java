package io.spikestream.trainer.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.trainer.backend.reference.ReferenceBackend;
import io.spikestream.trainer.backend.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The cuBLAS arguments of the three row-major products, run through an emulation of column-major
 * SGEMM as BLAS defines it (including its leading-dimension rules, which cuBLAS enforces with
 * CUBLAS_STATUS_INVALID_VALUE), against the reference's row-major products. No GPU needed.
 */
class GemmTest {
    private static final ReferenceBackend REF = new ReferenceBackend();

    /** BLAS sgemm: C(m×n) = op(X)·op(Y), column-major, X(i,j) at x[i + j·ldx]. */
    static float[] sgemm(Gemm g, float[] x, float[] y, int cSize) {
        int xRows = g.transX() ? g.k() : g.m();
        int yRows = g.transY() ? g.n() : g.k();
        assertThat(g.ldx()).as("ldx >= rows of X as stored").isGreaterThanOrEqualTo(Math.max(1, xRows));
        assertThat(g.ldy()).as("ldy >= rows of Y as stored").isGreaterThanOrEqualTo(Math.max(1, yRows));
        assertThat(g.ldc()).as("ldc >= m").isGreaterThanOrEqualTo(Math.max(1, g.m()));
        assertThat((long) g.ldc() * g.n()).as("C fits its buffer").isLessThanOrEqualTo(cSize);
        float[] c = new float[cSize];
        for (int i = 0; i < g.m(); i++) {
            for (int j = 0; j < g.n(); j++) {
                double s = 0;
                for (int p = 0; p < g.k(); p++) {
                    float xv = g.transX() ? x[p + i * g.ldx()] : x[i + p * g.ldx()];
                    float yv = g.transY() ? y[j + p * g.ldy()] : y[p + j * g.ldy()];
                    s += (double) xv * yv;
                }
                c[i + j * g.ldc()] = (float) s;
            }
        }
        return c;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static float[] reference(float[] a, int[] as, float[] b, int[] bs, int[] cs, String op) {
        try (Tensor ta = REF.upload(a, as); Tensor tb = REF.upload(b, bs); Tensor tc = REF.allocate(cs)) {
            switch (op) {
                case "NT" -> REF.matmulNT(ta, tb, tc);
                case "NN" -> REF.matmulNN(ta, tb, tc);
                default -> REF.matmulTN(ta, tb, tc);
            }
            return REF.download(tc);
        }
    }

    @Test
    void theWorkedExampleOfTheDocumentation() {
        assertThat(Gemm.nt(2, 3, 4)).isEqualTo(new Gemm(true, false, 4, 2, 3, 3, 3, 4));
    }

    @Test
    void allThreeProductsGiveTheRowMajorResultThroughColumnMajorSgemm() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int[] d : new int[][] {{2, 3, 4}, {13, 37, 10}, {1, 5, 1}, {7, 1, 3}}) {
            int m = d[0], k = d[1], n = d[2];
            // NT: c[m,n] = a[m,k]·b[n,k]ᵀ (B's buffer is X, A's is Y)
            float[] a = random(rnd, m * k), b = random(rnd, n * k);
            assertThat(sgemm(Gemm.nt(m, k, n), b, a, m * n))
                    .containsExactly(reference(a, new int[] {m, k}, b, new int[] {n, k}, new int[] {m, n}, "NT"));
            // NN: c[m,n] = a[m,k]·b[k,n]
            float[] a2 = random(rnd, m * k), b2 = random(rnd, k * n);
            assertThat(sgemm(Gemm.nn(m, k, n), b2, a2, m * n))
                    .containsExactly(reference(a2, new int[] {m, k}, b2, new int[] {k, n}, new int[] {m, n}, "NN"));
            // TN: c[k,n] = a[m,k]ᵀ·b[m,n]
            float[] a3 = random(rnd, m * k), b3 = random(rnd, m * n);
            assertThat(sgemm(Gemm.tn(m, k, n), b3, a3, k * n))
                    .containsExactly(reference(a3, new int[] {m, k}, b3, new int[] {m, n}, new int[] {k, n}, "TN"));
        }
    }
}
