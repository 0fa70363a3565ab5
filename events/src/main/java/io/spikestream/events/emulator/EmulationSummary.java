package io.spikestream.events.emulator;

import java.util.List;

/** What an emulation run produced: recordings written, their events, wall time, inputs skipped. */
public record EmulationSummary(int recordings, long events, double seconds, List<Skipped> skipped) {
    public EmulationSummary {
        skipped = List.copyOf(skipped);
    }
}
