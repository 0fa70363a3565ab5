package io.spikestream.stream.processor;

import io.spikestream.stream.metrics.StreamMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts gaps and repeats in each camera's packet sequence numbers (a camera numbers its packets 0, 1,
 * 2, ...): a gap is packets lost or dropped upstream, a repeat a duplicate, a replay or a restarted
 * camera. For metrics only (nothing is rejected for its number): kept in memory per task for the most
 * recently seen {@link #CAPACITY} cameras, so after a restart or rebalance a camera's next packet sets
 * its baseline again. Not thread-safe (one per processor).
 */
final class SequenceTracker {
    static final int CAPACITY = 65_536;

    private final StreamMetrics metrics;
    private final Map<String, Long> last = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > CAPACITY;
        }
    };

    SequenceTracker(StreamMetrics metrics) {
        this.metrics = metrics;
    }

    /** Notes packet {@code sequence} (an unsigned 64-bit number) of {@code camera}. */
    void note(String camera, long sequence) {
        Long prev = last.put(camera, sequence);
        if (prev == null) {
            return;
        }
        if (Long.compareUnsigned(sequence, prev) <= 0) {
            metrics.sequenceRepeat();
        } else if (sequence - prev > 1) {
            metrics.sequenceGap(sequence - prev - 1);
        }
    }
}
