package io.spikestream.trainer;

import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FrameMode;
import io.spikestream.snn.framing.FramingSpec;

/**
 * How a training run turns events into frames, before the sensor is known; zero frame sizes mean
 * "the sensor's size". Only the window ({@link FrameMode#TIME_WINDOW}) or the event count
 * ({@link FrameMode#EVENT_COUNT}) of the chosen mode is used.
 */
public record FramingOptions(FrameMode mode, long windowUs, int eventsPerFrame, int frameWidth, int frameHeight,
        CountMode countMode, int clipMax) {

    /** Fixed windows of {@code windowUs}, binary counts, frames of {@code width}×{@code height}. */
    public static FramingOptions binaryTimeWindow(long windowUs, int width, int height) {
        return new FramingOptions(FrameMode.TIME_WINDOW, windowUs, 0, width, height, CountMode.BINARY, 1);
    }

    public FramingSpec toSpec(SensorGeometry sensor) {
        int w = frameWidth > 0 ? frameWidth : sensor.width();
        int h = frameHeight > 0 ? frameHeight : sensor.height();
        return new FramingSpec(mode, mode == FrameMode.TIME_WINDOW ? windowUs : 0,
                mode == FrameMode.EVENT_COUNT ? eventsPerFrame : 0, sensor, w, h, countMode, clipMax);
    }
}
