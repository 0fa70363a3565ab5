package io.spikestream.events.dataset;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;

/**
 * Optional re-orientation of decoded samples. Published CIFAR10-DVS readers disagree about x/y
 * flips (the jAER DVS128 convention that the readers follow already mirrors x); pick the one that
 * matches the images you compare with. The default {@link #AS_DECODED} keeps the reader's output.
 */
public enum Orientation {
    AS_DECODED, FLIP_X, FLIP_Y, FLIP_XY;

    /** The events with coordinates mirrored as named; the same batch when {@link #AS_DECODED}. */
    public EventBatch apply(EventBatch events) {
        if (this == AS_DECODED || events.isEmpty()) {
            return events;
        }
        int w1 = events.geometry().width() - 1;
        int h1 = events.geometry().height() - 1;
        boolean fx = this == FLIP_X || this == FLIP_XY;
        boolean fy = this == FLIP_Y || this == FLIP_XY;
        EventBuffer out = new EventBuffer(events.geometry(), events.size());
        for (int i = 0; i < events.size(); i++) {
            int x = events.x(i);
            int y = events.y(i);
            out.add(fx ? w1 - x : x, fy ? h1 - y : y, events.on(i), events.t(i));
        }
        return out.toBatch();
    }
}
