package io.spikestream.snn.framing;

/** Receives frames as the {@link Framer} closes them. */
@FunctionalInterface
public interface FrameSink {
    /**
     * One closed frame.
     *
     * @param frame         {@code [channel][y][x]} values (channel 0 = OFF, 1 = ON); owned by the framer and
     *                      cleared after this call returns: copy it to keep it
     * @param frameEndUs    event time (µs) where the frame ends: the window end for a full time-window frame,
     *                      the last event's time + 1 for a partial frame or an event-count frame
     * @param eventsInFrame number of events that went into the frame (0 for an empty frame of a time gap)
     */
    void frameClosed(float[] frame, long frameEndUs, int eventsInFrame);
}
