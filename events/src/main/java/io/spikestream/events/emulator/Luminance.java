package io.spikestream.events.emulator;

import java.awt.image.BufferedImage;

/**
 * Light as the sensor sees it: sRGB pixel values decoded to linear luminance on a display with a
 * black level, and the natural log the photoreceptor responds to.
 */
public final class Luminance {
    private static final float LN2 = 0.6931471805599453f;
    /** Linear value of each 8-bit sRGB code (IEC 61966-2-1 transfer function). */
    private static final float[] SRGB_TO_LINEAR = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            double c = i / 255.0;
            SRGB_TO_LINEAR[i] = (float) (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
        }
    }

    private Luminance() {
    }

    /** Relative luminance (Rec. 709 weights on linear RGB) of a packed 0xRRGGBB value, in [0, 1]. */
    public static float ofRgb(int rgb) {
        return 0.2126f * SRGB_TO_LINEAR[(rgb >>> 16) & 0xFF] + 0.7152f * SRGB_TO_LINEAR[(rgb >>> 8) & 0xFF]
                + 0.0722f * SRGB_TO_LINEAR[rgb & 0xFF];
    }

    /** Luminance of every pixel, row-major, mapped to [blackLevel, 1] as a display emits it. */
    public static float[] of(BufferedImage image, float blackLevel) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[w * h];
        float gain = 1f - blackLevel;
        for (int i = 0; i < out.length; i++) {
            out[i] = blackLevel + gain * ofRgb(rgb[i]);
        }
        return out;
    }

    /** ln(1 + i / 2048) for the mantissa table of {@link #fastLn}. */
    private static final float[] LN_MANTISSA = new float[2050];

    static {
        for (int i = 0; i < LN_MANTISSA.length; i++) {
            LN_MANTISSA[i] = (float) Math.log(1 + i / 2048.0);
        }
    }

    /**
     * Natural log for positive finite floats, to about 1e-7 absolute error (far below any contrast
     * threshold) and several times faster than Math.log: exponent from the bits, mantissa from a
     * 2048-entry table with linear interpolation.
     */
    public static float fastLn(float x) {
        int bits = Float.floatToRawIntBits(x);
        int exponent = ((bits >>> 23) & 0xFF) - 127;
        int mantissa = bits & 0x007F_FFFF;
        int i = mantissa >>> 12;
        float f = (mantissa & 0xFFF) * (1f / 4096f);
        float lo = LN_MANTISSA[i];
        return exponent * LN2 + lo + f * (LN_MANTISSA[i + 1] - lo);
    }
}
