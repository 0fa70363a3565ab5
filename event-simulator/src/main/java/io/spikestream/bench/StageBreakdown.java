package io.spikestream.bench;

import io.spikestream.topics.Decision;
import io.spikestream.topics.StageTimes;
import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Splits each decision's latency into its {@link Stage}s from the times the decision carries, the
 * classification record's timestamp and the bench's read time, and records each stage in a histogram
 * (µs). A stage is recorded only when both its ends are known: the classification's timestamp counts only
 * when it is the broker's append time, and a decision whose deciding frame closed before the stream app
 * rebuilt the camera's state after a restart has no stage times. Clock steps and the millisecond resolution
 * of Kafka timestamps can make a stage come out slightly negative; it is recorded as 0. Not thread-safe.
 */
final class StageBreakdown {
    private final Map<Stage, Histogram> histograms = new EnumMap<>(Stage.class);
    private long complete;

    StageBreakdown() {
        for (Stage s : Stage.values()) {
            histograms.put(s, new Histogram(3));
        }
    }

    /**
     * @param classificationAppendMs the classification record's broker append time (ms), or 0 when its
     *                               timestamp is not an append time
     * @param consumedNs             when the bench read it, on the replay's clock (ns since the epoch)
     */
    void record(Decision d, long classificationAppendMs, long consumedNs) {
        StageTimes st = d.stages();
        long[] at = {d.decidingPacketIntendedSendNs(), st.recordTimestampMs() * 1_000_000L, st.polledNs(),
            st.frameClosedNs(), d.emittedAtNs(), classificationAppendMs * 1_000_000L, consumedNs};
        int known = 0;
        Stage[] stages = Stage.values();
        for (int i = 0; i < stages.length; i++) {
            if (at[i] > 0 && at[i + 1] > 0) {
                histograms.get(stages[i]).recordValue(Math.max(0, at[i + 1] - at[i]) / 1000);
                known++;
            }
        }
        if (known == stages.length) {
            complete++;
        }
    }

    /** Decisions with every stage known. */
    long complete() {
        return complete;
    }

    /** Copies of the histograms. */
    Map<Stage, Histogram> histograms() {
        Map<Stage, Histogram> m = new EnumMap<>(Stage.class);
        histograms.forEach((s, h) -> m.put(s, h.copy()));
        return m;
    }
}
