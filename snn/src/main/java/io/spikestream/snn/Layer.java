package io.spikestream.snn;

/**
 * One layer of a BNTT network, in order from input to readout. Every weighted layer except the
 * last is followed by BNTT (batch norm per time step) and leaky integrate-and-fire neurons; the
 * last {@link Dense} is the non-spiking readout whose outputs accumulate over time.
 */
public sealed interface Layer permits Conv3x3, AvgPool2, Dense {

    /** The token of this layer in an architecture spec: {@code c32}, {@code p2}, {@code f256}. */
    String token();

    /** True for layers with weights (conv and fully connected). */
    default boolean weighted() {
        return !(this instanceof AvgPool2);
    }
}
