package io.spikestream.snn.inference;

import java.util.Arrays;

/**
 * The vector additions of the sparse engine. Each adds weight vectors times input values to a
 * pre-activation vector in the order given: the same float operations in the same order as one pass
 * per contribution (Java evaluates left to right and never fuses or reassociates), so the results are
 * bit-identical to the dense reference's sums, but in fewer passes. Every loop indexes all of its arrays
 * alike ({@code a[o] += v·w[o]}), the shape HotSpot's C2 vectorizes. A binary input's {@code 1·w} is
 * {@code w} exactly.
 */
final class VectorOps {
    private VectorOps() {
    }

    /** {@code a[o] += v1·w1[o]}, then {@code + v2·w2[o]} and so on, in one pass. */
    static void add4(float[] a, float[] w1, float v1, float[] w2, float v2, float[] w3, float v3, float[] w4, float v4) {
        for (int o = 0; o < a.length; o++) {
            a[o] = (((a[o] + v1 * w1[o]) + v2 * w2[o]) + v3 * w3[o]) + v4 * w4[o];
        }
    }

    /** The last one to three contributions in one pass, as {@link #add4}. */
    static void add3(float[] a, float[] w1, float v1, float[] w2, float v2, float[] w3, float v3) {
        for (int o = 0; o < a.length; o++) {
            a[o] = ((a[o] + v1 * w1[o]) + v2 * w2[o]) + v3 * w3[o];
        }
    }

    static void add2(float[] a, float[] w1, float v1, float[] w2, float v2) {
        for (int o = 0; o < a.length; o++) {
            a[o] = (a[o] + v1 * w1[o]) + v2 * w2[o];
        }
    }

    static void add1(float[] a, float[] w, float v) {
        for (int o = 0; o < a.length; o++) {
            a[o] += v * w[o];
        }
    }

    /**
     * {@code z} = 0 plus the products {@code v[q]·w[list[q]]} for q &lt; k in order, four per pass; the
     * first pass starts from 0 itself (the reference's {@code sum = 0f}), so {@code z} need not be cleared.
     */
    static void addWeighted(float[] z, float[][] w, int[] list, float[] v, int k) {
        int q = 0;
        if (k >= 4) {
            float[] w1 = w[list[0]], w2 = w[list[1]], w3 = w[list[2]], w4 = w[list[3]];
            float v1 = v[0], v2 = v[1], v3 = v[2], v4 = v[3];
            for (int o = 0; o < z.length; o++) {
                z[o] = (((0f + v1 * w1[o]) + v2 * w2[o]) + v3 * w3[o]) + v4 * w4[o];
            }
            q = 4;
        } else {
            Arrays.fill(z, 0f);
        }
        for (; q + 4 <= k; q += 4) {
            add4(z, w[list[q]], v[q], w[list[q + 1]], v[q + 1], w[list[q + 2]], v[q + 2], w[list[q + 3]], v[q + 3]);
        }
        switch (k - q) {
            case 3 -> add3(z, w[list[q]], v[q], w[list[q + 1]], v[q + 1], w[list[q + 2]], v[q + 2]);
            case 2 -> add2(z, w[list[q]], v[q], w[list[q + 1]], v[q + 1]);
            case 1 -> add1(z, w[list[q]], v[q]);
            default -> { }
        }
    }

    /** {@code a} plus the weight rows {@code rows[idx[e]]} times {@code val[e]} for e &lt; count, four per pass. */
    static void addRows(float[] a, float[][] rows, int[] idx, float[] val, int count) {
        int e = 0;
        for (; e + 4 <= count; e += 4) {
            add4(a, rows[idx[e]], val[e], rows[idx[e + 1]], val[e + 1], rows[idx[e + 2]], val[e + 2],
                    rows[idx[e + 3]], val[e + 3]);
        }
        switch (count - e) {
            case 3 -> add3(a, rows[idx[e]], val[e], rows[idx[e + 1]], val[e + 1], rows[idx[e + 2]], val[e + 2]);
            case 2 -> add2(a, rows[idx[e]], val[e], rows[idx[e + 1]], val[e + 1]);
            case 1 -> add1(a, rows[idx[e]], val[e]);
            default -> { }
        }
    }
}
