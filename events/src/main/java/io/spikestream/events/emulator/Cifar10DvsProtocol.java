package io.spikestream.events.emulator;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The CIFAR10-DVS recording protocol (Li et al. 2017) in software: the image, upscaled with bicubic
 * interpolation, is shown on an LCD refreshed at {@code refreshHz}; the 128×128 sensor sees it as a
 * square of {@code imageSidePx} pixels on the dark screen, moving on a repeated closed loop; one
 * recording lasts a duration drawn uniformly from [minDurationUs, maxDurationUs]. Which values come
 * from the paper and which were chosen is listed in events/EMULATOR.md.
 *
 * @param imageSidePx   side of the displayed image in sensor pixels
 * @param blackLevel    luminance of a black screen pixel relative to white (display contrast, room light)
 * @param loopRadiusPx  radius of the circular loop, in sensor pixels
 * @param loopPeriodUs  time for one loop
 * @param refreshHz     display refresh rate: the picture moves in steps of one refresh
 * @param maxShiftPx    finest movement per render step; extra render steps are added when the path is faster
 * @param supersampling canvas samples per sensor pixel per axis (the pixel's box filter)
 */
public record Cifar10DvsProtocol(SensorGeometry sensor, int imageSidePx, float blackLevel, double loopRadiusPx,
                                 long loopPeriodUs, long minDurationUs, long maxDurationUs, double refreshHz,
                                 double maxShiftPx, int supersampling, DvsParams dvs) {

    public Cifar10DvsProtocol {
        if (imageSidePx < 4 || imageSidePx > Math.min(sensor.width(), sensor.height())) {
            throw new IllegalArgumentException("image side " + imageSidePx + " px does not fit the " + sensor + " sensor");
        }
        if (!(blackLevel > 0 && blackLevel < 1) || !(loopRadiusPx >= 0) || loopPeriodUs <= 0
                || minDurationUs <= 0 || maxDurationUs < minDurationUs || !(refreshHz > 0) || !(maxShiftPx > 0)
                || supersampling < 2) {
            throw new IllegalArgumentException("bad CIFAR10-DVS protocol parameters");
        }
    }

    public static Cifar10DvsProtocol defaults() {
        return new Cifar10DvsProtocol(SensorGeometry.DVS128, 112, 0.01f, 3.0, 325_000, 1_150_000, 1_460_000,
                60.0, 1.0, 4, DvsParams.defaults());
    }

    /** The fixed pattern of "the" camera: the same physical sensor recorded every image of a run. */
    public PixelMismatch sensorPattern(long seed) {
        return PixelMismatch.sample(sensor, dvs, Seeds.derive(seed, Seeds.SENSOR, 0));
    }

    /** Emulates one recording of {@code image}; all randomness comes from {@code recordingSeed}. */
    public EventBatch record(BufferedImage image, PictureRecorder recorder, long recordingSeed) {
        SplittableRandom rng = new SplittableRandom(recordingSeed);
        long duration = minDurationUs + (maxDurationUs > minDurationUs ? rng.nextLong(maxDurationUs - minDurationUs + 1) : 0);
        MotionPath path = new MotionPath.ClosedLoop(loopRadiusPx, (double) duration / loopPeriodUs, duration, 0);
        int margin = (int) Math.ceil(path.maxExcursionPx()) + 1;
        ShiftRenderer renderer = new ShiftRenderer(sensor, supersampling, margin, canvas(image, margin));
        return recorder.record(renderer, path, duration, Math.round(1e6 / refreshHz), maxShiftPx, rng.nextLong());
    }

    /**
     * The screen as the lens projects it: dark, with the image upscaled bicubically and centred,
     * upside down because the recordings use the DVS128/jAER convention (y = 0 at the bottom).
     */
    float[] canvas(BufferedImage image, int margin) {
        int k = supersampling;
        int cw = ShiftRenderer.canvasWidth(sensor, k, margin);
        int ch = ShiftRenderer.canvasHeight(sensor, k, margin);
        float[] canvas = new float[cw * ch];
        Arrays.fill(canvas, blackLevel);
        // fit the longer side to imageSidePx, keeping the aspect ratio (CIFAR-10 images are square)
        double scale = (double) imageSidePx * k / Math.max(image.getWidth(), image.getHeight());
        int dw = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int dh = Math.max(1, (int) Math.round(image.getHeight() * scale));
        Bicubic.draw(image, dw, dh, canvas, cw, (cw - dw) / 2, (ch - dh) / 2, true, blackLevel);
        return canvas;
    }
}
