package io.spikestream.events.emulator;

import io.spikestream.events.SensorGeometry;

/**
 * Renders what each sensor pixel sees of a picture moved by a sub-pixel offset: every pixel
 * integrates the light over its own square footprint (a box filter, so edges moving by a fraction of
 * a pixel change the pixel's light smoothly instead of aliasing), then the log is taken.
 *
 * <p>The scene is given as a luminance canvas at {@code k} samples per sensor pixel covering the
 * sensor plus {@code margin} pixels on every side. It is box-filtered once over k × k samples; each
 * frame is then a bilinear lookup whose weights are the same for all pixels (a pure translation).
 */
public final class ShiftRenderer {
    private final SensorGeometry sensor;
    private final int k;
    private final int margin;
    private final int cw;
    private final int ch;
    private final float[] filtered;

    /**
     * @param canvas luminance, row-major, {@code (width + 2 margin) k} by {@code (height + 2 margin) k}
     *               samples, all positive
     */
    public ShiftRenderer(SensorGeometry sensor, int k, int margin, float[] canvas) {
        if (k < 2 || margin < 1) {
            throw new IllegalArgumentException("supersampling " + k + " must be at least 2 and margin " + margin + " positive");
        }
        this.sensor = sensor;
        this.k = k;
        this.margin = margin;
        this.cw = (sensor.width() + 2 * margin) * k;
        this.ch = (sensor.height() + 2 * margin) * k;
        if (canvas.length != cw * ch) {
            throw new IllegalArgumentException("canvas of " + canvas.length + " samples, expected " + cw + "x" + ch);
        }
        this.filtered = boxFilter(canvas, cw, ch, k);
    }

    public static int canvasWidth(SensorGeometry sensor, int k, int margin) {
        return (sensor.width() + 2 * margin) * k;
    }

    public static int canvasHeight(SensorGeometry sensor, int k, int margin) {
        return (sensor.height() + 2 * margin) * k;
    }

    public SensorGeometry sensor() {
        return sensor;
    }

    /**
     * Fills {@code outLog} (row-major sensor frame) with the log luminance each pixel sees when the
     * picture is moved by (dx, dy) sensor pixels; |dx|, |dy| must stay below the margin.
     */
    public void render(double dx, double dy, float[] outLog) {
        if (Math.abs(dx) > margin - 0.5 || Math.abs(dy) > margin - 0.5) {
            throw new IllegalArgumentException("offset (" + dx + ", " + dy + ") px exceeds the margin of " + margin + " px");
        }
        int w = sensor.width();
        int h = sensor.height();
        // left/top edge of pixel (0, 0)'s footprint in canvas samples; the box sum is piecewise
        // linear in a fractional edge position, so bilinear lookup between whole-sample windows is exact
        double u0 = (margin - dx) * k;
        double v0 = (margin - dy) * k;
        int iu = (int) Math.floor(u0);
        int iv = (int) Math.floor(v0);
        float fu = (float) (u0 - iu);
        float fv = (float) (v0 - iv);
        float w00 = (1 - fu) * (1 - fv);
        float w01 = fu * (1 - fv);
        float w10 = (1 - fu) * fv;
        float w11 = fu * fv;
        float[] f = filtered;
        for (int y = 0; y < h; y++) {
            int row = (iv + y * k) * cw + iu;
            int o = y * w;
            for (int x = 0; x < w; x++) {
                int a = row + x * k;
                float v = w00 * f[a] + w01 * f[a + 1] + w10 * f[a + cw] + w11 * f[a + cw + 1];
                outLog[o + x] = Luminance.fastLn(v);
            }
        }
    }

    /**
     * Mean over the k × k window whose top-left is each sample (separable running sums); the last
     * k - 1 rows and columns, which render() never reads, stay 0.
     */
    private static float[] boxFilter(float[] src, int w, int h, int k) {
        float[] tmp = new float[w * h];
        float inv = 1f / k;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            double sum = 0;
            for (int x = 0; x < w; x++) {
                sum += src[row + x];
                if (x >= k) {
                    sum -= src[row + x - k];
                }
                // window [x-k+1, x] stored at its left edge; edges clamp to the partial window
                tmp[row + Math.max(0, x - k + 1)] = (float) (sum * inv);
            }
        }
        float[] out = new float[w * h];
        for (int x = 0; x < w; x++) {
            double sum = 0;
            for (int y = 0; y < h; y++) {
                sum += tmp[y * w + x];
                if (y >= k) {
                    sum -= tmp[(y - k) * w + x];
                }
                out[Math.max(0, y - k + 1) * w + x] = (float) (sum * inv);
            }
        }
        return out;
    }
}
