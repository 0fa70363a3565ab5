package io.spikestream.snn.framing;

/** How the event count of a (down-sampled) pixel becomes a frame value. */
public enum CountMode {
    /** 1 where the pixel saw at least one event of that polarity, else 0. */
    BINARY,
    /** The event count, clipped at {@link FramingSpec#clipMax()}. */
    CLIPPED
}
