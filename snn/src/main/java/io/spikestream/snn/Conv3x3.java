package io.spikestream.snn;

/** 3×3 convolution, stride 1, padding 1, no bias; spec token {@code c<outChannels>}. */
public record Conv3x3(int outChannels) implements Layer {
    public Conv3x3 {
        if (outChannels < 1) {
            throw new IllegalArgumentException("conv output channels must be positive, got " + outChannels);
        }
    }

    @Override
    public String token() {
        return "c" + outChannels;
    }
}
