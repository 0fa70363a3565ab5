package io.spikestream.events.emulator;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;

/**
 * Records a moving picture with the emulated sensor: renders the picture along its path at render
 * steps fine enough that it moves at most {@code maxShiftPx} per step (no aliasing of moving edges)
 * and at least at the display refresh rate, and feeds the frames to a {@link DvsPixelArray}.
 * Reusable across recordings of one thread (keeps its frame and event buffers).
 */
public final class PictureRecorder {
    private final PixelMismatch sensor;
    private final float[] frame;
    private final EventBuffer events;

    public PictureRecorder(PixelMismatch sensor) {
        this.sensor = sensor;
        SensorGeometry g = sensor.geometry();
        this.frame = new float[g.width() * g.height()];
        this.events = new EventBuffer(g, 1 << 16);
    }

    /**
     * @param stepUs     longest render step (the display's refresh period when a monitor is filmed)
     * @param maxShiftPx most the picture may move within one render step
     */
    public EventBatch record(ShiftRenderer renderer, MotionPath path, long durationUs, long stepUs,
                             double maxShiftPx, long noiseSeed) {
        if (!renderer.sensor().equals(sensor.geometry())) {
            throw new IllegalArgumentException("renderer for " + renderer.sensor() + ", sensor " + sensor.geometry());
        }
        if (durationUs <= 0 || stepUs <= 0 || !(maxShiftPx > 0)) {
            throw new IllegalArgumentException("duration, step and shift must be positive");
        }
        double speed = path.maxSpeedPxPerUs();
        long step = stepUs;
        if (speed > 0) {
            step = Math.max(1, Math.min(step, (long) Math.floor(maxShiftPx / speed)));
        }
        boolean heldFrames = sensor.params().responseTauUs() > 0;
        DvsPixelArray pixels = new DvsPixelArray(sensor, noiseSeed);
        events.clear();
        renderer.render(path.dx(0), path.dy(0), frame);
        pixels.start(frame, 0);
        for (long t = 0; t < durationUs; t += step) {
            long end = Math.min(durationUs, t + step);
            // a display holds frame k from t_k (the pixels settle towards it); a continuous scene
            // is rendered at the step's end and interpolated linearly
            double at = heldFrames ? t : end;
            renderer.render(path.dx(at), path.dy(at), frame);
            pixels.step(frame, end, events);
        }
        return events.toBatch();
    }
}
