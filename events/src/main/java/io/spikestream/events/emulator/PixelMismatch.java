package io.spikestream.events.emulator;

import io.spikestream.events.SensorGeometry;
import java.util.SplittableRandom;

/**
 * The fixed pattern of one emulated sensor: per-pixel ON/OFF thresholds (Gaussian mismatch around
 * the means) and per-pixel leak periods (log-normal spread). Immutable, shared by all recordings
 * made "with the same camera" and by all threads.
 */
public final class PixelMismatch {
    private final SensorGeometry geometry;
    private final DvsParams params;
    private final float[] onThreshold;
    private final float[] offThreshold;
    /** µs between leak events of each pixel; Double.POSITIVE_INFINITY when leak is off. */
    private final double[] leakPeriodUs;

    private PixelMismatch(SensorGeometry geometry, DvsParams params, float[] on, float[] off, double[] leak) {
        this.geometry = geometry;
        this.params = params;
        this.onThreshold = on;
        this.offThreshold = off;
        this.leakPeriodUs = leak;
    }

    public static PixelMismatch sample(SensorGeometry geometry, DvsParams params, long seed) {
        int n = geometry.width() * geometry.height();
        float[] on = new float[n];
        float[] off = new float[n];
        double[] leak = new double[n];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            on[i] = (float) Math.max(DvsParams.MIN_THRESHOLD, params.onThreshold() + params.thresholdSigma() * rng.nextGaussian());
            off[i] = (float) Math.max(DvsParams.MIN_THRESHOLD, params.offThreshold() + params.thresholdSigma() * rng.nextGaussian());
            double spread = params.leakSpreadDecades() * rng.nextGaussian();
            double rate = params.leakRateHz() * Math.pow(10, spread);
            leak[i] = rate > 0 ? 1e6 / rate : Double.POSITIVE_INFINITY;
        }
        return new PixelMismatch(geometry, params, on, off, leak);
    }

    public SensorGeometry geometry() {
        return geometry;
    }

    public DvsParams params() {
        return params;
    }

    float onThreshold(int pixel) {
        return onThreshold[pixel];
    }

    float offThreshold(int pixel) {
        return offThreshold[pixel];
    }

    double leakPeriodUs(int pixel) {
        return leakPeriodUs[pixel];
    }

    float[] onThresholds() {
        return onThreshold;
    }

    float[] offThresholds() {
        return offThreshold;
    }

    double[] leakPeriods() {
        return leakPeriodUs;
    }

    /** Mean leak rate over the array, in Hz (the rate a static scene shows, besides shot noise). */
    public double meanLeakRateHz() {
        double sum = 0;
        for (double p : leakPeriodUs) {
            sum += Double.isInfinite(p) ? 0 : 1e6 / p;
        }
        return sum / leakPeriodUs.length;
    }
}
