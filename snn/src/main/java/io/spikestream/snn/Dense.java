package io.spikestream.snn;

/**
 * Fully connected, no bias; spec token {@code f<units>}. The input is flattened in channel, row,
 * column order (PyTorch's {@code reshape(batch, -1)} of an NCHW tensor).
 */
public record Dense(int units) implements Layer {
    public Dense {
        if (units < 1) {
            throw new IllegalArgumentException("dense units must be positive, got " + units);
        }
    }

    @Override
    public String token() {
        return "f" + units;
    }
}
