package io.spikestream.events.emulator;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.SplittableRandom;

/**
 * A self-made N-MNIST: a digit drawn with Java2D (several fonts and styles, sizes, stroke widths,
 * slants and positions) on a dark screen, filmed by a 34×34 emulated sensor that makes three
 * saccades along a triangle, 100 ms each, as N-MNIST was recorded (Orchard et al. 2015). Needs no
 * external data; the variation comes from the per-recording seed.
 *
 * @param digitHeightPx mean height of the digit in sensor pixels (MNIST digits fit a 20-pixel box)
 * @param background    screen luminance around the digit, relative to the digit's ink
 * @param saccadeSidePx side of the saccade triangle in sensor pixels
 * @param saccadeUs     duration of one saccade
 * @param maxShiftPx    finest movement per render step
 */
public record MovingDigitsProtocol(SensorGeometry sensor, double digitHeightPx, float background,
                                   double saccadeSidePx, long saccadeUs, double maxShiftPx, int supersampling,
                                   DvsParams dvs) {

    private static final String[] FAMILIES = {Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED, Font.DIALOG};
    private static final int[] STYLES = {Font.PLAIN, Font.BOLD, Font.ITALIC, Font.BOLD | Font.ITALIC};

    /** Outlines of the ten digits in every font and style, built once (font loading is slow). */
    private static final class Glyphs {
        static final Shape[][] OUTLINES = build();

        private static Shape[][] build() {
            FontRenderContext frc = new FontRenderContext(null, true, true);
            Shape[][] out = new Shape[FAMILIES.length * STYLES.length][10];
            for (int f = 0; f < FAMILIES.length; f++) {
                for (int s = 0; s < STYLES.length; s++) {
                    Font font = new Font(FAMILIES[f], STYLES[s], 100);
                    for (int d = 0; d < 10; d++) {
                        out[f * STYLES.length + s][d] = font.createGlyphVector(frc, Integer.toString(d)).getOutline();
                    }
                }
            }
            return out;
        }
    }

    public MovingDigitsProtocol {
        if (!(digitHeightPx >= 4 && digitHeightPx <= Math.min(sensor.width(), sensor.height()))
                || !(background > 0 && background < 1) || !(saccadeSidePx >= 0) || saccadeUs <= 0
                || !(maxShiftPx > 0) || supersampling < 2) {
            throw new IllegalArgumentException("bad moving-digits protocol parameters");
        }
    }

    /** 34×34 like N-MNIST's ATIS crop, 3 × 100 ms saccades; continuous scene (no display refresh). */
    public static MovingDigitsProtocol defaults() {
        return new MovingDigitsProtocol(SensorGeometry.NMNIST, 20, 0.1f, 3.0, 100_000, 0.25, 4,
                DvsParams.defaults().withResponseTauUs(0));
    }

    public long durationUs() {
        return 3 * saccadeUs;
    }

    public PixelMismatch sensorPattern(long seed) {
        return PixelMismatch.sample(sensor, dvs, Seeds.derive(seed, Seeds.SENSOR, 1));
    }

    public EventBatch record(int digit, PictureRecorder recorder, long recordingSeed) {
        if (digit < 0 || digit > 9) {
            throw new IllegalArgumentException("digit " + digit + " outside 0..9");
        }
        SplittableRandom rng = new SplittableRandom(recordingSeed);
        MotionPath path = MotionPath.Saccades.triangle(saccadeSidePx, saccadeUs);
        int margin = (int) Math.ceil(path.maxExcursionPx()) + 1;
        ShiftRenderer renderer = new ShiftRenderer(sensor, supersampling, margin, canvas(digit, margin, rng));
        return recorder.record(renderer, path, durationUs(), 5_000, maxShiftPx, rng.nextLong());
    }

    float[] canvas(int digit, int margin, SplittableRandom rng) {
        int k = supersampling;
        int cw = ShiftRenderer.canvasWidth(sensor, k, margin);
        int ch = ShiftRenderer.canvasHeight(sensor, k, margin);
        BufferedImage img = new BufferedImage(cw, ch, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, cw, ch);
            Shape glyph = Glyphs.OUTLINES[rng.nextInt(FAMILIES.length * STYLES.length)][digit];
            Rectangle2D b = glyph.getBounds2D();
            double height = digitHeightPx * (0.8 + 0.35 * rng.nextDouble()) * k;
            double scale = height / b.getHeight();
            double angle = Math.toRadians(-12 + 24 * rng.nextDouble());
            double cx = (margin + sensor.width() / 2.0 + (rng.nextDouble() * 4 - 2)) * k;
            double cy = (margin + sensor.height() / 2.0 + (rng.nextDouble() * 4 - 2)) * k;
            AffineTransform at = new AffineTransform();
            at.translate(cx, cy);
            at.rotate(angle);
            at.scale(scale * (0.85 + 0.3 * rng.nextDouble()), scale);
            at.translate(-b.getCenterX(), -b.getCenterY());
            Shape placed = at.createTransformedShape(glyph);
            g.setColor(Color.WHITE);
            g.fill(placed);
            float strokePx = (float) (rng.nextDouble() * 1.5 * k);
            if (strokePx > 0.5f) {
                g.setStroke(new BasicStroke(strokePx, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(placed);
            }
        } finally {
            g.dispose();
        }
        byte[] coverage = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        float[] lum = new float[cw * ch];
        float gain = (1f - background) / 255f;
        for (int i = 0; i < lum.length; i++) {
            // anti-aliased coverage mixes ink and screen linearly in light
            lum[i] = background + gain * (coverage[i] & 0xFF);
        }
        return lum;
    }
}
