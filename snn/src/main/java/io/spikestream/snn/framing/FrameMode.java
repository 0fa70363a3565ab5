package io.spikestream.snn.framing;

/** How a frame closes; framing is causal because a stream never knows a sample's total event count. */
public enum FrameMode {
    /** A frame covers a fixed span of event time ({@link FramingSpec#windowUs()}). */
    TIME_WINDOW,
    /** A frame holds a fixed number of events ({@link FramingSpec#eventsPerFrame()}). */
    EVENT_COUNT
}
