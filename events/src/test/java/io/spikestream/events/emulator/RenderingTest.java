package io.spikestream.events.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.spikestream.events.SensorGeometry;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RenderingTest {

    @Test
    void fastLnIsAccurateWellBelowAnyThreshold() {
        for (double x = 1e-4; x < 1e4; x *= 1.0137) {
            assertThat((double) Luminance.fastLn((float) x)).isCloseTo(Math.log((float) x), within(1e-5));
        }
    }

    @Test
    void uniformImageUpscalesToItsLuminanceAndKeepsTheBlackLevel() {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                img.setRGB(x, y, 0x808080);
            }
        }
        float[] canvas = new float[20 * 20];
        Arrays.fill(canvas, 0.01f);
        Bicubic.draw(img, 16, 16, canvas, 20, 2, 2, false, 0.01f);
        float expected = 0.01f + 0.99f * Luminance.ofRgb(0x808080);
        assertThat((double) canvas[2 * 20 + 2]).isCloseTo(expected, within(1e-3));
        assertThat((double) canvas[17 * 20 + 17]).isCloseTo(expected, within(1e-3));
        assertThat(canvas[0]).isEqualTo(0.01f);
        assertThat((double) Luminance.ofRgb(0xFFFFFF)).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void subPixelShiftMovesAnEdgeSmoothlyThroughThePixel() {
        // a vertical edge: dark left half, bright right half; shifting right by a fraction of a
        // pixel darkens the pixel at the edge in proportion (box filter: no aliasing)
        SensorGeometry g = new SensorGeometry(8, 8);
        int k = 4;
        int margin = 2;
        int cw = ShiftRenderer.canvasWidth(g, k, margin);
        int ch = ShiftRenderer.canvasHeight(g, k, margin);
        float[] canvas = new float[cw * ch];
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                canvas[y * cw + x] = x < cw / 2 ? 0.1f : 0.9f;
            }
        }
        ShiftRenderer r = new ShiftRenderer(g, k, margin, canvas);
        float[] f = new float[64];
        double previous = Double.MAX_VALUE;
        for (double dx = 0; dx <= 1.0; dx += 0.25) {
            r.render(dx, 0, f);
            double light = Math.exp(f[4]); // pixel x = 4 starts at the edge
            assertThat(light).isCloseTo(0.9 - 0.8 * dx, within(1e-3));
            assertThat(light).isLessThan(previous);
            previous = light;
        }
    }
}
