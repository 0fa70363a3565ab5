package io.spikestream.trainer.backend.cuda;

/**
 * The arguments of one column-major cuBLAS SGEMM {@code C = op(X)·op(Y)} that computes a row-major
 * product: a row-major r×c buffer read column-major is the c×r transpose, so a row-major
 * {@code C = A·B} is the column-major {@code Cᵀ = Bᵀ·Aᵀ}, with B's buffer as X and A's as Y (in
 * every case here). Pure arithmetic, checked without a GPU against a BLAS-semantics emulation.
 *
 * <p>Worked example, {@link #nt}: A 2×3, B 4×3, C = A·Bᵀ 2×4. C's buffer read column-major is
 * Cᵀ (4×2, ld 4) = B·Aᵀ; B's buffer is Bᵀ (3×4, ld 3), taken transposed; A's buffer is Aᵀ (3×2,
 * ld 3), taken as is: {@code sgemm(T, N, m=4, n=2, k=3, X=B ld 3, Y=A ld 3, C ld 4)}.
 *
 * @param transX X (B's buffer) transposed
 * @param transY Y (A's buffer) transposed
 * @param m rows of op(X) and of the column-major result
 * @param n columns of op(Y) and of the result
 * @param k the inner dimension
 */
record Gemm(boolean transX, boolean transY, int m, int n, int k, int ldx, int ldy, int ldc) {

    /** {@code c[M,N] = a[M,K] · b[N,K]ᵀ}. */
    static Gemm nt(int rowsA, int colsA, int rowsB) {
        return new Gemm(true, false, rowsB, rowsA, colsA, colsA, colsA, rowsB);
    }

    /** {@code c[M,K] = a[M,N] · b[N,K]}. */
    static Gemm nn(int rowsA, int colsA, int colsB) {
        return new Gemm(false, false, colsB, rowsA, colsA, colsB, colsA, colsB);
    }

    /** {@code c[N,K] = a[M,N]ᵀ · b[M,K]}. */
    static Gemm tn(int rowsA, int colsA, int colsB) {
        return new Gemm(false, true, colsB, colsA, rowsA, colsB, colsA, colsB);
    }
}
