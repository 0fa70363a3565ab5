package io.spikestream.snn.inference;

import io.spikestream.snn.BnntModel;

/**
 * Runs a BNTT network one time step at a time. An engine is immutable and thread-safe; each
 * episode (one camera, one sample) gets its own {@link Session} holding the membrane state.
 */
public interface InferenceEngine {

    /** A fresh session (membrane potentials zero, no steps run). */
    Session newSession();

    /** The model this engine runs. */
    BnntModel model();
}
