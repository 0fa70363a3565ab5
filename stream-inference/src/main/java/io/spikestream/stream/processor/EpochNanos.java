package io.spikestream.stream.processor;

import java.time.Instant;

/** The wall clock in ns since the Unix epoch, as the stream app stamps its times (poll, frame close, emit). */
public final class EpochNanos {
    private EpochNanos() {
    }

    public static long now() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
