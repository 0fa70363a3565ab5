package io.spikestream.events.emulator;

/** Told about every finished (or skipped) item; called from worker threads. */
@FunctionalInterface
public interface EmulationProgress {
    EmulationProgress NONE = (events, skipped) -> { };

    void itemDone(long events, boolean skipped);
}
