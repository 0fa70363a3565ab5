package io.spikestream.snn.inference;

/**
 * One 2×2 average pooling of a sparse session; lists the non-zero pooled values in ascending order
 * (the canonical order of the next layer's sums). After a conv layer it reads that layer's spike rows
 * with the reference's own expression; after anything else it adds each active input's quarter to the
 * pooled index its table names.
 */
final class SparsePool {
    private final int c;
    private final int ho;
    private final int wo;
    /** Input index → pooled index, or the extra last slot for inputs that floor pooling drops. */
    private final int[] target;
    /** The pooled map plus the slot of dropped inputs; all zeros between steps. */
    private final float[] pooled;
    final ActiveList out;

    SparsePool(int[] in, int[] outShape, int[] target) {
        this.c = in[0];
        this.ho = outShape[1];
        this.wo = outShape[2];
        this.target = target;
        int size = outShape[0] * outShape[1] * outShape[2];
        pooled = new float[size + 1];
        out = new ActiveList(size);
    }

    /** Pools a list of active inputs. */
    void pool(ActiveList x) {
        final float[] p = pooled;
        final int[] target = this.target;
        final int[] idx = x.idx;
        final float[] val = x.val;
        for (int e = 0; e < x.count; e++) {
            p[target[idx[e]]] += val[e] * 0.25f;
        }
        p[p.length - 1] = 0f;
        // collect in ascending order and clear; a scan of the small pooled map is cheaper than sorting
        // the touched entries
        final int[] oi = out.idx;
        final float[] ov = out.val;
        int n = 0;
        for (int k = 0; k < p.length - 1; k++) {
            float v = p[k];
            oi[n] = k;           // written always, kept only when non-zero: no unpredictable branch
            ov[n] = v;
            n += v != 0f ? 1 : 0;
            p[k] = 0f;
        }
        out.count = n;
    }

    /**
     * Pools a conv layer's spike rows (four quarter-values, row by row) and lists the non-zero results:
     * one pass over the pooled map instead of listing every spike, scattering it and scanning the map.
     */
    void poolRows(float[][] rows) {
        final int c = this.c;
        final int ho = this.ho;
        final int wo = this.wo;
        final int[] oi = out.idx;
        final float[] ov = out.val;
        int n = 0;
        for (int py = 0; py < ho; py++) {
            final float[] r0 = rows[2 * py];
            final float[] r1 = rows[2 * py + 1];
            for (int px = 0; px < wo; px++) {
                final int a0 = 2 * px * c;
                final int a1 = a0 + c;
                final int base = (py * wo + px) * c;
                for (int k = 0; k < c; k++) {
                    float v = ((r0[a0 + k] * 0.25f + r0[a1 + k] * 0.25f) + r1[a0 + k] * 0.25f) + r1[a1 + k] * 0.25f;
                    oi[n] = base + k;  // written always, kept only when positive: no unpredictable branch
                    ov[n] = v;
                    // spikes are 0 or 1, except NaN where the membrane is NaN (the reference: no spike);
                    // v > 0 skips both zero and NaN
                    n += v > 0f ? 1 : 0;
                }
            }
        }
        out.count = n;
    }
}
