package io.spikestream.snn.inference;

/**
 * A session whose per-layer state can be looked at, for tests and debugging: both engines' sessions
 * implement it. Every method returns a fresh copy in {@code [C][H][W]} order (allocates; not for the hot path).
 */
public interface InspectableSession extends Session {

    /** Membrane potentials of spiking layer {@code layer} after the last step (after reset by subtraction). */
    float[] membrane(int layer);

    /**
     * Output of layer {@code layer} at the last step: spikes (0/1) of a spiking layer, pooled spikes of a
     * pooling layer, the readout's {@code W·S} of this step (not accumulated) for the readout.
     */
    float[] layerOutput(int layer);
}
