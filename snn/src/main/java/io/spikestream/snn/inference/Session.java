package io.spikestream.snn.inference;

/**
 * The state of one episode: membrane potentials of every spiking layer and the accumulated readout.
 * Steps allocate nothing. Not thread-safe.
 */
public interface Session {

    /**
     * Runs time step {@link #steps()} on one frame and returns the running score: the mean readout over
     * the steps so far, one value per class. The returned array is owned by the session and overwritten
     * by the next step or {@link #reset()}: copy it to keep it.
     *
     * @param frame the input frame, {@code [channel][y][x]} of the model's input shape (a {@code Framer} frame)
     * @throws IllegalArgumentException when the frame has the wrong length
     * @throws IllegalStateException    when T steps have run already (the network has T sets of BN parameters)
     */
    float[] step(float[] frame);

    /** Number of steps run since the session started or was reset. */
    int steps();

    /** Starts a new episode: zero membranes and readout, no steps run. */
    void reset();

    /** The current running score (all zero before the first step); same array as {@link #step} returns. */
    float[] scores();
}
