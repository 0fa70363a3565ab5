package io.spikestream.trainer.backend.nd4j;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Row-major SGEMM through OpenBLAS, single-threaded inside OpenBLAS and split over the columns of
 * the result on the Java common pool. OpenBLAS's own worker threads busy-wait for a while after
 * each call and so take cores away from the Java loops that follow a product; split in Java, a
 * product runs as fast and leaves no spinning threads behind (trainer-nd4j/README.md).
 */
final class Blas {
    /** Below this many multiply-adds a product is not split. */
    private static final long SPLIT_MACS = 1L << 20;

    private static volatile boolean singleThreaded;

    private Blas() {
    }

    /** Makes OpenBLAS single-threaded for this process (it is global state of the library). */
    static void useJavaThreads() {
        if (!singleThreaded) {
            openblas.blas_set_num_threads(1);
            singleThreaded = true;
        }
    }

    /**
     * {@code c[m, n] = op(a) · op(b) + beta·c}, row-major, with leading dimensions as in CBLAS.
     * Columns of c (and of op(b)) are split into one block per worker.
     */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, FloatPointer a, int lda, FloatPointer b,
            int ldb, float beta, FloatPointer c, int ldc) {
        int parts = (long) m * n * k < SPLIT_MACS ? 1 : Math.min(n / 16, ForkJoinPool.commonPool().getParallelism() + 1);
        if (parts <= 1) {
            call(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        // blocks of a multiple of 16 columns keep the kernels on full vectors
        int block = ((n + parts - 1) / parts + 15) / 16 * 16;
        IntStream.range(0, parts).parallel().forEach(p -> {
            int n0 = p * block;
            int nb = Math.min(block, n - n0);
            if (nb <= 0) {
                return;
            }
            FloatPointer bp = offset(b, transB ? (long) n0 * ldb : n0);
            FloatPointer cp = offset(c, n0);
            call(transA, transB, m, nb, k, a, lda, bp, ldb, beta, cp, ldc);
        });
    }

    private static FloatPointer offset(FloatPointer p, long floats) {
        return new FloatPointer(p).position(p.position() + floats);
    }

    private static void call(boolean transA, boolean transB, int m, int n, int k, FloatPointer a, int lda, FloatPointer b,
            int ldb, float beta, FloatPointer c, int ldc) {
        openblas.cblas_sgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, 1f, a, lda, b, ldb, beta, c, ldc);
    }
}
