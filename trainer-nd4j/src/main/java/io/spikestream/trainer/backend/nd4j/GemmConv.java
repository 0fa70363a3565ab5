package io.spikestream.trainer.backend.nd4j;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Dense 3×3 convolution (stride 1, padding 1) as im2col plus one OpenBLAS SGEMM per chunk of
 * samples, called directly through the OpenBLAS binding so that buffers are used at an offset
 * without ND4J views, at the SGEMM rate, many times ND4J's own conv2d / conv2d_bp
 * (trainer-nd4j/README.md). The im2col matrix is {@code cols[K = C_in·9][L = samples·H·W]}, so that
 * forward is {@code W[C_out, K] · cols} and backward-filter {@code dy[C_out, L] · colsᵀ}, each one
 * large product instead of one per sample. Scratch is native memory kept between calls and grown
 * on demand; an instance is used by one thread at a time (like the backend).
 */
final class GemmConv implements AutoCloseable {
    /** Floats of im2col scratch per chunk: bounds the scratch for large layers (vgg9). */
    static final long CHUNK_FLOATS = 4L << 20;

    private final long chunkFloats;

    private final Scratch cols = new Scratch();
    private final Scratch out = new Scratch();
    private final Scratch flipped = new Scratch();

    GemmConv() {
        this(CHUNK_FLOATS);
    }

    /** @param chunkFloats im2col scratch per chunk of samples (at least one sample per chunk) */
    GemmConv(long chunkFloats) {
        this.chunkFloats = chunkFloats;
    }

    /** {@code y[n, co, h, w] = conv(x[n, ci, h, w], w[co, ci, 3, 3])}. */
    void forward(FloatBuffer x, FloatPointer w, FloatBuffer y, FloatPointer yPtr, int n, int ci, int co, int h, int wd) {
        int hw = h * wd;
        int k = ci * 9;
        int chunk = chunk(n, (long) k * hw);
        FloatPointer c = cols.ensure((long) k * chunk * hw);
        FloatPointer o = out.ensure((long) co * chunk * hw);
        for (int n0 = 0; n0 < n; n0 += chunk) {
            int nb = Math.min(chunk, n - n0);
            int l = nb * hw;
            im2col(x, n0, nb, ci, h, wd, cols.buf, l);
            Blas.sgemm(false, false, co, l, k, w, k, c, l, 0f, o, l);
            // [co][nb·hw] → [nb][co][hw]
            for (int s = 0; s < nb; s++) {
                int dst = (n0 + s) * co * hw;
                for (int oc = 0; oc < co; oc++) {
                    y.put(dst + oc * hw, out.buf, oc * l + s * hw, hw);
                }
            }
        }
    }

    /**
     * {@code dx = conv(dy, w')} with the flipped, transposed kernel {@code w'[ci, co, 3, 3]}: the
     * data gradient of a padded 3×3 correlation.
     */
    void backwardData(FloatBuffer dy, float[] w, FloatBuffer dx, FloatPointer dxPtr, int n, int ci, int co, int h, int wd) {
        FloatPointer wt = flipped.ensure(w.length);
        for (int a = 0; a < co; a++) {
            for (int b = 0; b < ci; b++) {
                for (int q = 0; q < 9; q++) {
                    flipped.buf.put((b * co + a) * 9 + (8 - q), w[(a * ci + b) * 9 + q]);
                }
            }
        }
        forward(dy, wt, dx, dxPtr, n, co, ci, h, wd);
    }

    /** {@code dw[co, ci, 3, 3] = Σ_n dy[n, co] ⋆ x[n, ci]}, overwriting dw. */
    void backwardFilter(FloatBuffer x, FloatBuffer dy, FloatPointer dw, int n, int ci, int co, int h, int wd) {
        int hw = h * wd;
        int k = ci * 9;
        int chunk = chunk(n, (long) Math.max(k, co) * hw);
        FloatPointer c = cols.ensure((long) k * chunk * hw);
        FloatPointer g = out.ensure((long) co * chunk * hw);
        for (int n0 = 0; n0 < n; n0 += chunk) {
            int nb = Math.min(chunk, n - n0);
            int l = nb * hw;
            im2col(x, n0, nb, ci, h, wd, cols.buf, l);
            // [nb][co][hw] → [co][nb·hw]
            for (int s = 0; s < nb; s++) {
                int src = (n0 + s) * co * hw;
                for (int oc = 0; oc < co; oc++) {
                    out.buf.put(oc * l + s * hw, dy, src + oc * hw, hw);
                }
            }
            Blas.sgemm(false, true, co, k, l, g, l, c, l, n0 == 0 ? 0f : 1f, dw, k);
        }
    }

    private int chunk(int n, long floatsPerSample) {
        return (int) Math.max(1, Math.min(n, chunkFloats / Math.max(1, floatsPerSample)));
    }

    /**
     * Row {@code (i·9 + kh·3 + kw)} of {@code cols}, column {@code s·hw + y·wd + x}, holds
     * {@code x[n0 + s, i, y + kh − 1, x + kw − 1]} (zero outside the image). Each (sample, channel)
     * plane is read once; each of its 9 shifted copies is one bulk copy of the plane, after which
     * the wrapped-around edge column and the rows shifted in from outside are zeroed. Parallel over
     * input channels.
     */
    private void im2col(FloatBuffer x, int n0, int nb, int ci, int h, int wd, FloatBuffer cols, int l) {
        int hw = h * wd;
        float[] zeros = new float[wd];
        IntStream.range(0, ci).parallel().forEach(i -> {
            float[] plane = planeScratch(hw);
            for (int s = 0; s < nb; s++) {
                x.get((n0 + s) * ci * hw + i * hw, plane, 0, hw);
                for (int q = 0; q < 9; q++) {
                    int dy = q / 3 - 1;
                    int dx = q % 3 - 1;
                    int dst = (i * 9 + q) * l + s * hw;
                    int y0 = Math.max(0, -dy);
                    int y1 = Math.min(h, h - dy);
                    // dst index p takes plane[p + dy·wd + dx]; the first (dx < 0) or last (dx > 0)
                    // element would read outside the plane and is an edge column zeroed below
                    int p0 = y0 * wd + Math.max(0, -dx);
                    int p1 = y1 * wd - Math.max(0, dx);
                    if (p1 > p0) {
                        cols.put(dst + p0, plane, p0 + dy * wd + dx, p1 - p0);
                    }
                    if (y0 > 0) {
                        cols.put(dst, zeros, 0, wd);
                    }
                    if (y1 < h) {
                        cols.put(dst + y1 * wd, zeros, 0, wd);
                    }
                    if (dx != 0) {
                        int col = dx < 0 ? 0 : wd - 1;
                        for (int yy = y0; yy < y1; yy++) {
                            cols.put(dst + yy * wd + col, 0f);
                        }
                    }
                }
            }
        });
    }

    private final ThreadLocal<float[]> planeScratch = new ThreadLocal<>();

    private float[] planeScratch(int size) {
        float[] a = planeScratch.get();
        if (a == null || a.length < size) {
            a = new float[size];
            planeScratch.set(a);
        }
        return a;
    }

    @Override
    public void close() {
        cols.close();
        out.close();
        flipped.close();
    }

    /** Native scratch with a float view, grown (never shrunk) on demand. */
    private static final class Scratch implements AutoCloseable {
        FloatPointer ptr;
        FloatBuffer buf;
        long capacity;

        FloatPointer ensure(long floats) {
            if (floats > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("convolution scratch of " + floats + " floats exceeds a buffer");
            }
            if (floats > capacity) {
                close();
                ptr = new FloatPointer(floats);
                buf = ptr.asBuffer();
                capacity = floats;
            }
            return ptr;
        }

        @Override
        public void close() {
            if (ptr != null) {
                ptr.deallocate();
                ptr = null;
                buf = null;
                capacity = 0;
            }
        }
    }
}
