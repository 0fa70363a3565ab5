package io.spikestream.events.emulator;

import java.util.List;

/**
 * What an emulation run produced: recordings written, their events, wall time, CPU time of the
 * workers (reading, emulating and writing; recordings per CPU second is the per-core rate even on a
 * busy machine), inputs skipped, and statistics of the recordings.
 */
public record EmulationSummary(int recordings, long events, double seconds, double cpuSeconds, List<Skipped> skipped,
                               DatasetStats.Summary stats) {
    public EmulationSummary {
        skipped = List.copyOf(skipped);
    }
}
