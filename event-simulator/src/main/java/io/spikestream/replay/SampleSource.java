package io.spikestream.replay;

import io.spikestream.events.EventBatch;
import java.util.List;
import java.util.Map;

/** The recordings a replay draws from, in a deterministic order, and how to load one. */
public interface SampleSource {
    /** All samples, in a deterministic order (the replay shuffles it with its seed). */
    List<SampleRef> samples();

    /** The sample's polarity events, timestamps non-decreasing. May be called from any thread. */
    EventBatch load(SampleRef sample);

    /** Sensor geometry name for reports, e.g. "34x34". */
    default String describe() {
        return samples().size() + " samples";
    }

    /** An in-memory source (tests, generated data); iteration order of the map is kept. */
    static SampleSource of(Map<SampleRef, EventBatch> samples) {
        List<SampleRef> refs = List.copyOf(samples.keySet());
        Map<SampleRef, EventBatch> copy = Map.copyOf(samples);
        return new SampleSource() {
            @Override
            public List<SampleRef> samples() {
                return refs;
            }

            @Override
            public EventBatch load(SampleRef sample) {
                EventBatch b = copy.get(sample);
                if (b == null) {
                    throw new IllegalArgumentException("unknown sample " + sample.id());
                }
                return b;
            }
        };
    }
}
