package io.spikestream.events.emulator;

/**
 * Parameters of the emulated DVS pixel (see events/EMULATOR.md for the physical meaning, the
 * defaults and their sources).
 *
 * @param onThreshold      mean ON contrast threshold, in natural-log intensity units
 * @param offThreshold     mean OFF contrast threshold, in natural-log intensity units (positive)
 * @param thresholdSigma   standard deviation of the per-pixel threshold mismatch (log units)
 * @param refractoryUs     dead time after each event, during which the pixel's reference tracks the input
 * @param responseTauUs    time constant of the first-order response between render steps (display
 *                         settling plus photoreceptor bandwidth); 0 = linear interpolation (ESIM)
 * @param leakRateHz       mean rate of leak (background-activity) ON events per pixel
 * @param leakSpreadDecades standard deviation of the per-pixel leak rate, in decades (log-normal)
 * @param shotNoiseRateHz  rate of shot-noise events per pixel (ON and OFF together)
 */
public record DvsParams(double onThreshold, double offThreshold, double thresholdSigma, long refractoryUs,
                        double responseTauUs, double leakRateHz, double leakSpreadDecades, double shotNoiseRateHz) {

    /** Smallest per-pixel threshold after mismatch: keeps a pixel from firing on rounding noise. */
    public static final double MIN_THRESHOLD = 0.01;

    public DvsParams {
        check("onThreshold", onThreshold, MIN_THRESHOLD, 10);
        check("offThreshold", offThreshold, MIN_THRESHOLD, 10);
        check("thresholdSigma", thresholdSigma, 0, 1);
        check("refractoryUs", refractoryUs, 0, 1_000_000);
        check("responseTauUs", responseTauUs, 0, 1_000_000);
        check("leakRateHz", leakRateHz, 0, 1_000);
        check("leakSpreadDecades", leakSpreadDecades, 0, 2);
        check("shotNoiseRateHz", shotNoiseRateHz, 0, 1_000);
    }

    /** v2e's defaults for thresholds, mismatch, refractory period and noise; 4 ms display response. */
    public static DvsParams defaults() {
        return new DvsParams(0.2, 0.2, 0.03, 500, 4_000, 0.01, 0.1, 0.001);
    }

    /** An ideal pixel: exact thresholds, no refractory period, no noise, linear interpolation. */
    public static DvsParams ideal(double threshold) {
        return new DvsParams(threshold, threshold, 0, 0, 0, 0, 0, 0);
    }

    public DvsParams withRefractoryUs(long us) {
        return new DvsParams(onThreshold, offThreshold, thresholdSigma, us, responseTauUs, leakRateHz,
                leakSpreadDecades, shotNoiseRateHz);
    }

    public DvsParams withResponseTauUs(double us) {
        return new DvsParams(onThreshold, offThreshold, thresholdSigma, refractoryUs, us, leakRateHz,
                leakSpreadDecades, shotNoiseRateHz);
    }

    public DvsParams withNoise(double leakHz, double shotHz) {
        return new DvsParams(onThreshold, offThreshold, thresholdSigma, refractoryUs, responseTauUs, leakHz,
                leakSpreadDecades, shotHz);
    }

    public DvsParams withThresholds(double on, double off, double sigma) {
        return new DvsParams(on, off, sigma, refractoryUs, responseTauUs, leakRateHz, leakSpreadDecades,
                shotNoiseRateHz);
    }

    private static void check(String name, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("DVS parameter " + name + " = " + v + " outside " + min + ".." + max);
        }
    }
}
