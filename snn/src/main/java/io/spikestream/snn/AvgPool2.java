package io.spikestream.snn;

/**
 * 2×2 average pooling of spikes, stride 2; spec token {@code p2}. An odd last row or column is
 * dropped (floor), as PyTorch's {@code AvgPool2d(2)} does.
 */
public record AvgPool2() implements Layer {
    @Override
    public String token() {
        return "p2";
    }
}
