package io.spikestream.ingest.camera;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.util.List;

/**
 * Recordings shown back to back on one camera clock, as a camera pointed at a screen would see them:
 * each recording's events are shifted so that it starts {@code gapUs} after the previous one's last
 * event (the first starts at {@code startUs}). With {@code loop} the list starts over, the clock going on.
 * Not thread-safe.
 */
public final class CameraTimeline {
    private final List<Recording> recordings;
    private final long gapUs;
    private final boolean loop;
    private final SensorGeometry geometry;
    private int next;
    private long nextStartUs;

    /** Where one recording lies on the camera clock. */
    public record Shown(Recording recording, long startUs, long endUs) {
    }

    public CameraTimeline(List<Recording> recordings, long startUs, long gapUs, boolean loop) {
        if (recordings.isEmpty()) {
            throw new IllegalArgumentException("a camera timeline needs at least one recording");
        }
        if (gapUs < 0) {
            throw new IllegalArgumentException("gap " + gapUs + " us is negative");
        }
        this.recordings = List.copyOf(recordings);
        this.gapUs = gapUs;
        this.loop = loop;
        this.geometry = recordings.get(0).events().geometry();
        for (Recording r : recordings) {
            if (!r.events().geometry().equals(geometry)) {
                throw new IllegalArgumentException("recording " + r.id() + " is " + r.events().geometry()
                        + ", the others " + geometry + ": one camera has one sensor");
            }
        }
        if (recordings.stream().allMatch(r -> r.events().isEmpty())) {
            throw new IllegalArgumentException("every recording of the camera timeline is empty");
        }
        this.nextStartUs = startUs;
    }

    public SensorGeometry geometry() {
        return geometry;
    }

    /**
     * Puts the next recording's events, on the camera clock, into {@code out} (cleared first).
     *
     * @return where it lies, or null when the timeline is over
     */
    public Shown next(EventBuffer out) {
        out.clear();
        while (next < recordings.size() || loop) {
            Recording r = recordings.get(next % recordings.size());
            next = loop ? (next + 1) % recordings.size() : next + 1;
            EventBatch e = r.events();
            if (e.isEmpty()) {
                continue;
            }
            long shift = nextStartUs - e.t(0);
            out.ensureSpace(e.size());
            for (int i = 0; i < e.size(); i++) {
                out.add(e.x(i), e.y(i), e.on(i), e.t(i) + shift);
            }
            long end = e.t(e.size() - 1) + shift;
            Shown s = new Shown(r, nextStartUs, end);
            nextStartUs = end + gapUs;
            return s;
        }
        return null;
    }
}
