package io.spikestream.events.emulator;

/**
 * Derives independent seeds from a run seed, so that each recording's randomness depends only on
 * (run seed, stream, index) and never on which thread emulates it or in which order.
 */
public final class Seeds {
    /** Stream of the sensor's fixed pattern (threshold and leak mismatch): one sensor per run. */
    public static final long SENSOR = 0x5E45_0A11L;
    /** Stream of per-recording noise and protocol jitter. */
    public static final long RECORDING = 0x4EC0_4D11L;

    private Seeds() {
    }

    /** SplitMix64 finaliser: a well-mixed 64-bit value for each distinct input. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static long derive(long seed, long stream, long index) {
        return mix(mix(mix(seed) ^ stream) + index * 0x9E3779B97F4A7C15L);
    }
}
