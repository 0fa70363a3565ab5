package io.spikestream.trainer.backend;

/** The spike non-linearity of the fused BNTT+LIF step and the gradient used for it. */
public enum SpikeFunction {
    /**
     * The model's: S = H(x) with x = U/θ − 1, surrogate ∂S/∂x = 0.3·max(0, 1 − |x|),
     * and the subtractive reset treated as a constant in the backward pass (as the reference does).
     */
    HEAVISIDE,
    /**
     * A smooth stand-in, S = sigmoid(4x), with its exact derivative, including the reset path: only
     * for finite-difference gradient checks of whole networks, where the Heaviside step would make
     * finite differences meaningless.
     */
    SIGMOID;

    /** Sharpness of the sigmoid stand-in. */
    public static final float SIGMOID_SLOPE = 4f;
    /** Height of the triangular surrogate. */
    public static final float SURROGATE_SCALE = 0.3f;
}
