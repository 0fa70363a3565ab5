package io.spikestream.ingest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one source, written by its thread and by the sender's callbacks, read by the
 * progress line, the metrics and the summary. Every event read is accounted for exactly once:
 * {@code in = out + dropped + failed + late + pending}, where pending is what is queued or in flight.
 */
public final class SourceStats {
    /** Where a source stands. */
    public enum State {
        STARTING, CONNECTING, RUNNING, ENDED, FAILED, STOPPED
    }

    private final SourceConfig config;
    private volatile State state = State.STARTING;
    private volatile String lastError;
    final AtomicLong eventsIn = new AtomicLong();
    final LongAdder eventsOut = new LongAdder();
    final LongAdder packetsOut = new LongAdder();
    final LongAdder heartbeatsOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder failedEvents = new LongAdder();
    final LongAdder failedPackets = new LongAdder();
    final AtomicLong droppedEvents = new AtomicLong();
    final AtomicLong droppedPackets = new AtomicLong();
    final AtomicLong lateEvents = new AtomicLong();
    final AtomicLong clampedEvents = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong connectFailures = new AtomicLong();
    final AtomicLong sequenceGaps = new AtomicLong();
    final AtomicLong reorderedDatagrams = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong specialEvents = new AtomicLong();
    final AtomicLong timestampRegressions = new AtomicLong();
    final AtomicLong skippedPackets = new AtomicLong();
    final AtomicLong untimedEvents = new AtomicLong();
    volatile int queueDepth;

    SourceStats(SourceConfig config) {
        this.config = config;
    }

    public SourceConfig config() {
        return config;
    }

    public State state() {
        return state;
    }

    void state(State s) {
        state = s;
    }

    /** The last error (malformed input, a failed connection, a failed send), or null. */
    public String lastError() {
        return lastError;
    }

    void error(String message) {
        errors.incrementAndGet();
        lastError = message;
    }

    /** Records a problem that is not an error of its own (a camera not reachable yet). */
    void lastError(String message) {
        lastError = message;
    }

    public long eventsIn() {
        return eventsIn.get();
    }

    /** Events the broker has acknowledged. */
    public long eventsOut() {
        return eventsOut.sum();
    }

    public long packetsOut() {
        return packetsOut.sum();
    }

    public long droppedEvents() {
        return droppedEvents.get();
    }

    public long droppedPackets() {
        return droppedPackets.get();
    }

    public long lateEvents() {
        return lateEvents.get();
    }

    /** Events whose time went backwards, sent with the latest earlier time. */
    public long clampedEvents() {
        return clampedEvents.get();
    }

    public long failedEvents() {
        return failedEvents.sum();
    }

    public long reconnects() {
        return reconnects.get();
    }

    public long sequenceGaps() {
        return sequenceGaps.get();
    }

    public long malformed() {
        return malformed.get();
    }

    public long errors() {
        return errors.get();
    }

    public int queueDepth() {
        return queueDepth;
    }

    /** The counters as a JSON-friendly map (the summary's per-source object). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", config.spec().uri());
        m.put("camera", config.camera());
        m.put("overflow", config.overflow().id());
        m.put("state", state.name().toLowerCase(Locale.ROOT));
        m.put("events_in", eventsIn.get());
        m.put("events_out", eventsOut.sum());
        m.put("packets_out", packetsOut.sum());
        m.put("heartbeats_out", heartbeatsOut.sum());
        m.put("bytes_out", bytesOut.sum());
        m.put("dropped_events", droppedEvents.get());
        m.put("dropped_packets", droppedPackets.get());
        m.put("failed_events", failedEvents.sum());
        m.put("late_events", lateEvents.get());
        m.put("clamped_events", clampedEvents.get());
        m.put("connections", connections.get());
        m.put("reconnects", reconnects.get());
        m.put("connect_failures", connectFailures.get());
        m.put("sequence_gaps", sequenceGaps.get());
        m.put("reordered_datagrams", reorderedDatagrams.get());
        m.put("malformed", malformed.get());
        m.put("special_events", specialEvents.get());
        m.put("timestamp_regressions", timestampRegressions.get());
        m.put("skipped_packets", skippedPackets.get());
        m.put("untimed_events", untimedEvents.get());
        m.put("errors", errors.get());
        m.put("last_error", lastError);
        return m;
    }
}
