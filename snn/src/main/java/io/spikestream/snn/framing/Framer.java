package io.spikestream.snn.framing;

import io.spikestream.events.EventBatch;
import java.util.Arrays;

/**
 * THE framing implementation, used by the trainer and the stream app alike so that
 * both see bit-identical frames for the same events. Streaming and causal: events go in one at a
 * time and frames come out through a {@link FrameSink} as soon as they are complete.
 *
 * <ul>
 *   <li>Time window: the episode's first event at time t0 opens frame 0 = [t0, t0 + W); frame k covers
 *       [t0 + kW, t0 + (k+1)W). An event at or past the current frame's end first closes that frame and
 *       every empty frame in between (a time gap yields all-zero frames), then lands in its own frame.
 *       An event earlier than the current frame's start (out of order, or after {@link #closeFrame})
 *       lands in the current frame: frames never reopen.</li>
 *   <li>Event count: a frame closes as soon as it holds {@code eventsPerFrame} events.</li>
 *   <li>{@link #closeFrame} closes a partial frame (end of sample, idle grace period) if it holds events;
 *       the next frame follows it (time window: the next window).</li>
 *   <li>{@link #advanceTo} (time window) applies a watermark, the producer's promise that no later event is
 *       earlier than it: it closes every frame whose window ends at or before the watermark, exactly the
 *       frames that the first later event would close, so the frames are the same as without the
 *       watermark, only closed sooner.</li>
 * </ul>
 *
 * Pixel (x, y) adds to frame pixel ({@code x·fw/sw}, {@code y·fh/sh}) of channel 0 (OFF) or 1 (ON);
 * binary counts set 1, clipped counts add 1 up to {@code clipMax}. At most {@code maxFrames} frames are
 * closed per episode; later events are dropped (counted) until {@link #reset()}. Per-event work is
 * allocation-free. Not thread-safe.
 */
public final class Framer {
    private final FramingSpec spec;
    private final int maxFrames;
    private final float[] frame;
    private final int[] xMap;
    private final int[] yMap;
    private final float clipMax;
    private final int plane;

    private boolean started;
    private long episodeStartUs;
    private long frameStartUs;
    private long frameEndUs;
    private long lastEventUs;
    private int eventsInFrame;
    private int framesClosed;
    private long droppedEvents;

    /** A framer without a frame limit per episode (callers that run a network pass T to {@link #Framer(FramingSpec, int)}). */
    public Framer(FramingSpec spec) {
        this(spec, Integer.MAX_VALUE);
    }

    /** A framer that closes at most {@code maxFrames} frames per episode (T for a network with T steps). */
    public Framer(FramingSpec spec, int maxFrames) {
        if (maxFrames < 1) {
            throw new IllegalArgumentException("maxFrames must be positive, got " + maxFrames);
        }
        this.spec = spec;
        this.maxFrames = maxFrames;
        this.frame = new float[spec.frameSize()];
        this.plane = spec.frameWidth() * spec.frameHeight();
        this.clipMax = spec.countMode() == CountMode.BINARY ? 1f : spec.clipMax();
        int sw = spec.sensor().width();
        int sh = spec.sensor().height();
        xMap = new int[sw];
        yMap = new int[sh];
        for (int x = 0; x < sw; x++) {
            xMap[x] = (int) ((long) x * spec.frameWidth() / sw);
        }
        for (int y = 0; y < sh; y++) {
            yMap[y] = (int) ((long) y * spec.frameHeight() / sh) * spec.frameWidth();
        }
    }

    public FramingSpec spec() {
        return spec;
    }

    /**
     * Adds one event, first closing the frames it ends (time window) and afterwards the frame it fills
     * (event count).
     *
     * @throws IllegalArgumentException when (x, y) lies outside the sensor
     */
    public void accept(int x, int y, boolean on, long tUs, FrameSink sink) {
        if (x < 0 || y < 0 || x >= xMap.length || y >= yMap.length) {
            throw new IllegalArgumentException("event (" + x + ", " + y + ") at t=" + tUs + " us lies outside the "
                    + spec.sensor() + " sensor of the framing policy");
        }
        if (framesClosed >= maxFrames) {
            droppedEvents++;
            return;
        }
        if (!started) {
            started = true;
            episodeStartUs = tUs;
            frameStartUs = tUs;
            lastEventUs = tUs;
            frameEndUs = spec.mode() == FrameMode.TIME_WINDOW ? saturatedAdd(tUs, spec.windowUs()) : Long.MAX_VALUE;
        } else if (spec.mode() == FrameMode.TIME_WINDOW) {
            while (tUs >= frameEndUs) {
                emit(sink, frameEndUs);
                if (framesClosed >= maxFrames) {
                    droppedEvents++;
                    return;
                }
            }
        }
        int idx = (on ? plane : 0) + yMap[y] + xMap[x];
        float v = frame[idx];
        if (v < clipMax) {
            frame[idx] = v + 1f;
        }
        eventsInFrame++;
        lastEventUs = Math.max(lastEventUs, tUs);
        if (spec.mode() == FrameMode.EVENT_COUNT && eventsInFrame >= spec.eventsPerFrame()) {
            emit(sink, saturatedAdd(lastEventUs, 1));
        }
    }

    /**
     * Closes the current frame if it holds events (end of sample, idle grace period).
     *
     * @return true when a frame was closed
     */
    public boolean closeFrame(FrameSink sink) {
        if (!started || eventsInFrame == 0 || framesClosed >= maxFrames) {
            return false;
        }
        // emit() moves a time window on to the next window, whatever time the partial frame ended at
        long end = spec.mode() == FrameMode.TIME_WINDOW ? Math.min(frameEndUs, saturatedAdd(lastEventUs, 1))
                : saturatedAdd(lastEventUs, 1);
        emit(sink, end);
        return true;
    }

    /**
     * Applies a watermark: no event earlier than {@code watermarkUs} will follow. Under time windows every
     * frame whose window ends at or before it closes (empty windows of a gap included, up to the frame limit),
     * as the first later event would have closed them, so the frames are bit-identical to those of the same
     * events without watermarks. Nothing happens before the episode's first event or under event-count
     * frames, which have no window to close.
     *
     * @return the number of frames closed
     */
    public int advanceTo(long watermarkUs, FrameSink sink) {
        if (!started || spec.mode() != FrameMode.TIME_WINDOW) {
            return 0;
        }
        int closed = 0;
        while (framesClosed < maxFrames && frameEndUs <= watermarkUs) {
            emit(sink, frameEndUs);
            closed++;
        }
        return closed;
    }

    /** End of the current frame's window (time window), valid once the episode has started. */
    public long currentFrameEndUs() {
        return frameEndUs;
    }

    /** Starts a new episode: clears the partial frame; the next event's time starts frame 0. */
    public void reset() {
        if (eventsInFrame > 0) {
            Arrays.fill(frame, 0f);
        }
        started = false;
        eventsInFrame = 0;
        framesClosed = 0;
        droppedEvents = 0;
        episodeStartUs = 0;
        frameStartUs = 0;
        frameEndUs = 0;
        lastEventUs = 0;
    }

    /** True once the episode has seen an event. */
    public boolean started() {
        return started;
    }

    /** Event time of the episode's first event (valid when {@link #started()}). */
    public long episodeStartUs() {
        return episodeStartUs;
    }

    /** Start of the current frame's window (time window), or 0 before the first event. */
    public long currentFrameStartUs() {
        return frameStartUs;
    }

    /** Events in the frame being filled. */
    public int eventsInFrame() {
        return eventsInFrame;
    }

    /** Frames closed in this episode. */
    public int framesClosed() {
        return framesClosed;
    }

    /** True when {@code maxFrames} frames have closed: further events are dropped until {@link #reset()}. */
    public boolean full() {
        return framesClosed >= maxFrames;
    }

    /** Events dropped in this episode because the frame limit was reached. */
    public long droppedEvents() {
        return droppedEvents;
    }

    private void emit(FrameSink sink, long endUs) {
        int n = eventsInFrame;
        eventsInFrame = 0;
        framesClosed++;
        if (spec.mode() == FrameMode.TIME_WINDOW) {
            frameStartUs = frameEndUs;
            frameEndUs = saturatedAdd(frameEndUs, spec.windowUs());
        }
        try {
            sink.frameClosed(frame, endUs, n);
        } finally {
            if (n > 0) {
                Arrays.fill(frame, 0f);
            }
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /**
     * The first {@code timesteps} frames of a whole sample through the same streaming code path
     * (events in order, then the partial last frame closed); frames the sample does not reach stay all-zero.
     *
     * @return {@code [timesteps][2 * frameHeight * frameWidth]}
     * @throws IllegalArgumentException when an event lies outside the framing policy's sensor
     */
    public static float[][] frames(EventBatch sample, FramingSpec spec, int timesteps) {
        float[][] out = new float[timesteps][spec.frameSize()];
        Framer framer = new Framer(spec, timesteps);
        int[] next = {0};
        FrameSink sink = (f, end, n) -> System.arraycopy(f, 0, out[next[0]++], 0, f.length);
        for (int i = 0, n = sample.size(); i < n && !framer.full(); i++) {
            framer.accept(sample.x(i), sample.y(i), sample.on(i), sample.t(i), sink);
        }
        framer.closeFrame(sink);
        return out;
    }
}
