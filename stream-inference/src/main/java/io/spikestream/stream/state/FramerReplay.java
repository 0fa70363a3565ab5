package io.spikestream.stream.state;

import io.spikestream.events.EventBuffer;
import io.spikestream.snn.framing.FrameMode;
import io.spikestream.snn.framing.FrameSink;
import io.spikestream.snn.framing.Framer;
import io.spikestream.snn.framing.FramingSpec;
import java.util.List;

/**
 * Brings a fresh {@link Framer} to the state it had after the stored part of an episode, without the
 * events of the closed frames (which the state no longer has): stand-in events at the episode's start
 * time re-enact how each closed frame was closed (a stand-in at the window start enters a frame after
 * an event-closed one; {@code closeFrame} repeats an idle or end-of-sample close; event-count frames get
 * their count of stand-ins; a last frame that a watermark closed is closed by the same watermark), then
 * the real events of the partial frame go in. Whatever lands in the
 * closed frames is discarded, and the timing state (episode start, frames closed, current window,
 * partial frame) comes out as in the uninterrupted run. FramerReplayTest checks exactly that.
 */
public final class FramerReplay {
    private static final FrameSink DISCARD = (frame, endUs, events) -> { };

    private FramerReplay() {
    }

    /**
     * @throws IllegalStateException when the framer does not end up with the stored number of frames and
     *                               partial events (a state written by a framer with other rules)
     */
    public static void restore(Framer framer, long episodeStartUs, List<StoredFrame> frames, EventBuffer partial) {
        framer.reset();
        FramingSpec spec = framer.spec();
        int k = frames.size();
        if (k > 0) {
            framer.accept(0, 0, false, episodeStartUs, DISCARD);
            for (int j = 0; j < k; j++) {
                StoredFrame f = frames.get(j);
                if (spec.mode() == FrameMode.TIME_WINDOW) {
                    if (framer.framesClosed() < j) {
                        // frame j-1 closed at its window end: an event at frame j's window start gets us there
                        framer.accept(0, 0, false, episodeStartUs + j * spec.windowUs(), DISCARD);
                    }
                    if (f.closedByCall()) {
                        if (framer.eventsInFrame() == 0) {
                            framer.accept(0, 0, false, episodeStartUs, DISCARD);
                        }
                        framer.closeFrame(DISCARD);
                    }
                } else if (f.closedByCall()) {
                    if (framer.eventsInFrame() == 0) {
                        framer.accept(0, 0, false, episodeStartUs, DISCARD);
                    }
                    framer.closeFrame(DISCARD);
                } else {
                    while (framer.framesClosed() == j) {
                        framer.accept(0, 0, false, episodeStartUs, DISCARD);
                    }
                }
            }
            StoredFrame last = frames.get(k - 1);
            if (spec.mode() == FrameMode.TIME_WINDOW && !last.closedByCall() && framer.framesClosed() < k) {
                // the last frame closed at its window end with no event after it yet (a watermark closed it)
                framer.advanceTo(last.endUs(), DISCARD);
            }
        }
        for (int i = 0, n = partial.size(); i < n; i++) {
            framer.accept(partial.x(i), partial.y(i), partial.on(i), partial.t(i), DISCARD);
        }
        if (framer.framesClosed() != k || framer.eventsInFrame() != partial.size()) {
            throw new IllegalStateException("restoring the framer gave " + framer.framesClosed() + " frames and "
                    + framer.eventsInFrame() + " partial events, the state has " + k + " and " + partial.size());
        }
    }
}
