package io.spikestream.events.emulator;

import java.awt.image.BufferedImage;

/**
 * Bicubic upscaling as image software does it (Keys' cubic convolution, a = −0.5, on the 8-bit
 * sRGB codes of each channel), followed by what the display makes of the codes: linear light per
 * channel, then luminance. Separable, with the weights computed once per output row and column.
 */
final class Bicubic {
    private static final float A = -0.5f;
    /** sRGB code (0..255, in steps of 1/4) to linear light. */
    private static final float[] LINEAR = new float[1021];

    static {
        for (int i = 0; i < LINEAR.length; i++) {
            double c = i / 4.0 / 255.0;
            LINEAR[i] = (float) (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
        }
    }

    private Bicubic() {
    }

    /**
     * Writes the luminance of {@code image} scaled to dw × dh into {@code canvas} (row stride
     * {@code cw}) at (x0, y0), mapped to [blackLevel, 1]; {@code flipY} draws it upside down.
     */
    static void draw(BufferedImage image, int dw, int dh, float[] canvas, int cw, int x0, int y0, boolean flipY,
                     float blackLevel) {
        int sw = image.getWidth();
        int sh = image.getHeight();
        int[] rgb = image.getRGB(0, 0, sw, sh, null, 0, sw);
        int[] colIdx = new int[dw * 4];
        float[] colW = new float[dw * 4];
        weights(sw, dw, colIdx, colW);
        int[] rowIdx = new int[dh * 4];
        float[] rowW = new float[dh * 4];
        weights(sh, dh, rowIdx, rowW);
        // horizontal pass: every source row at the output width, per channel
        float[][] rows = new float[3][sh * dw];
        for (int y = 0; y < sh; y++) {
            int srow = y * sw;
            int orow = y * dw;
            for (int x = 0; x < dw; x++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int t = 0; t < 4; t++) {
                    int px = rgb[srow + colIdx[x * 4 + t]];
                    float w = colW[x * 4 + t];
                    r += w * ((px >>> 16) & 0xFF);
                    g += w * ((px >>> 8) & 0xFF);
                    b += w * (px & 0xFF);
                }
                rows[0][orow + x] = r;
                rows[1][orow + x] = g;
                rows[2][orow + x] = b;
            }
        }
        float gain = 1f - blackLevel;
        float[] rr = rows[0];
        float[] gg = rows[1];
        float[] bb = rows[2];
        for (int y = 0; y < dh; y++) {
            int i0 = rowIdx[y * 4] * dw;
            int i1 = rowIdx[y * 4 + 1] * dw;
            int i2 = rowIdx[y * 4 + 2] * dw;
            int i3 = rowIdx[y * 4 + 3] * dw;
            float w0 = rowW[y * 4];
            float w1 = rowW[y * 4 + 1];
            float w2 = rowW[y * 4 + 2];
            float w3 = rowW[y * 4 + 3];
            int o = (y0 + (flipY ? dh - 1 - y : y)) * cw + x0;
            for (int x = 0; x < dw; x++) {
                float r = w0 * rr[i0 + x] + w1 * rr[i1 + x] + w2 * rr[i2 + x] + w3 * rr[i3 + x];
                float g = w0 * gg[i0 + x] + w1 * gg[i1 + x] + w2 * gg[i2 + x] + w3 * gg[i3 + x];
                float b = w0 * bb[i0 + x] + w1 * bb[i1 + x] + w2 * bb[i2 + x] + w3 * bb[i3 + x];
                float lum = 0.2126f * linear(r) + 0.7152f * linear(g) + 0.0722f * linear(b);
                canvas[o + x] = blackLevel + gain * lum;
            }
        }
    }

    /** Linear light of a (possibly overshooting) interpolated code, clamped to 0..255. */
    private static float linear(float code) {
        float c = Math.max(0f, Math.min(255f, code)) * 4f;
        int i = Math.min(LINEAR.length - 2, (int) c);
        float f = c - i;
        return LINEAR[i] + f * (LINEAR[i + 1] - LINEAR[i]);
    }

    /** Source indices (edge-clamped) and Keys weights of the 4 taps of every output sample. */
    private static void weights(int src, int dst, int[] idx, float[] w) {
        double scale = (double) src / dst;
        for (int o = 0; o < dst; o++) {
            double s = (o + 0.5) * scale - 0.5;
            int base = (int) Math.floor(s);
            double f = s - base;
            for (int t = 0; t < 4; t++) {
                idx[o * 4 + t] = Math.max(0, Math.min(src - 1, base - 1 + t));
                w[o * 4 + t] = (float) keys(f - (t - 1));
            }
        }
    }

    private static double keys(double d) {
        double x = Math.abs(d);
        if (x <= 1) {
            return (A + 2) * x * x * x - (A + 3) * x * x + 1;
        }
        if (x < 2) {
            return A * x * x * x - 5 * A * x * x + 8 * A * x - 4 * A;
        }
        return 0;
    }
}
