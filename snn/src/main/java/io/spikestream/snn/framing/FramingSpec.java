package io.spikestream.snn.framing;

import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.InputShape;

/**
 * Events → time-step frames; part of the model config, so the trainer and the stream app frame
 * identically (a model served with other frames than it was trained on would silently lose accuracy).
 *
 * <p>Down-sampling sums pixel blocks: sensor pixel (x, y) lands in frame pixel
 * ({@code x * frameWidth / sensorWidth}, {@code y * frameHeight / sensorHeight}) (integer division).
 * When the sizes divide evenly every frame pixel covers an equal block (128 → 32: 4×4); otherwise
 * the blocks differ by at most one pixel per side (128 → 48: blocks of 2 or 3 columns).
 *
 * @param mode           how a frame closes
 * @param windowUs       frame length in µs of event time (used by {@link FrameMode#TIME_WINDOW})
 * @param eventsPerFrame events per frame (used by {@link FrameMode#EVENT_COUNT})
 * @param sensor         geometry of the sensor the events come from
 * @param frameWidth     frame width after down-sampling, 1..sensor width
 * @param frameHeight    frame height after down-sampling, 1..sensor height
 * @param countMode      binary or clipped counts
 * @param clipMax        upper bound of a frame value under {@link CountMode#CLIPPED} (1 under BINARY)
 */
public record FramingSpec(FrameMode mode, long windowUs, int eventsPerFrame, SensorGeometry sensor,
                          int frameWidth, int frameHeight, CountMode countMode, int clipMax) {

    /** Frames always have two polarity channels: index 0 = OFF, 1 = ON. */
    public static final int CHANNELS = 2;
    public static final int OFF_CHANNEL = 0;
    public static final int ON_CHANNEL = 1;

    public FramingSpec {
        if (mode == null || sensor == null || countMode == null) {
            throw new IllegalArgumentException("framing: mode, sensor and count mode are required");
        }
        if (mode == FrameMode.TIME_WINDOW && windowUs <= 0) {
            throw new IllegalArgumentException("framing: time-window frames need window_us > 0, got " + windowUs);
        }
        if (mode == FrameMode.EVENT_COUNT && eventsPerFrame <= 0) {
            throw new IllegalArgumentException(
                    "framing: event-count frames need events_per_frame > 0, got " + eventsPerFrame);
        }
        if (windowUs < 0 || eventsPerFrame < 0) {
            throw new IllegalArgumentException("framing: window_us and events_per_frame must not be negative");
        }
        if (frameWidth < 1 || frameWidth > sensor.width() || frameHeight < 1 || frameHeight > sensor.height()) {
            throw new IllegalArgumentException("framing: frame " + frameWidth + "x" + frameHeight
                    + " must be between 1x1 and the sensor's " + sensor);
        }
        if (countMode == CountMode.CLIPPED && clipMax < 1) {
            throw new IllegalArgumentException("framing: clipped counts need clip_max >= 1, got " + clipMax);
        }
        if (countMode == CountMode.BINARY) {
            clipMax = 1;
        }
    }

    /** Time-window frames of {@code windowUs} µs, down-sampled to {@code frameWidth × frameHeight}. */
    public static FramingSpec timeWindow(SensorGeometry sensor, long windowUs, int frameWidth, int frameHeight,
                                         CountMode countMode, int clipMax) {
        return new FramingSpec(FrameMode.TIME_WINDOW, windowUs, 0, sensor, frameWidth, frameHeight, countMode, clipMax);
    }

    /** Event-count frames of {@code eventsPerFrame} events, down-sampled to {@code frameWidth × frameHeight}. */
    public static FramingSpec eventCount(SensorGeometry sensor, int eventsPerFrame, int frameWidth, int frameHeight,
                                         CountMode countMode, int clipMax) {
        return new FramingSpec(FrameMode.EVENT_COUNT, 0, eventsPerFrame, sensor, frameWidth, frameHeight,
                countMode, clipMax);
    }

    /** The network input shape these frames have: 2 × frameHeight × frameWidth. */
    public InputShape frameShape() {
        return new InputShape(CHANNELS, frameHeight, frameWidth);
    }

    /** Values per frame. */
    public int frameSize() {
        return CHANNELS * frameHeight * frameWidth;
    }

    /** Index into a frame: {@code [channel][y][x]}, channel 0 = OFF, 1 = ON. */
    public int index(int channel, int frameY, int frameX) {
        return (channel * frameHeight + frameY) * frameWidth + frameX;
    }

    /** Short human description, e.g. {@code time-window 20000us 34x34->34x34 binary}. */
    public String describe() {
        String how = mode == FrameMode.TIME_WINDOW ? "time-window " + windowUs + "us"
                : "event-count " + eventsPerFrame;
        String counts = countMode == CountMode.BINARY ? "binary" : "clipped<=" + clipMax;
        return how + " " + sensor + "->" + frameWidth + "x" + frameHeight + " " + counts;
    }
}
