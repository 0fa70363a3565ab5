package io.spikestream.stream.state;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.util.ArrayList;
import java.util.List;

/**
 * What the app remembers about one camera, and all that it remembers durably (the changelogged value
 * of the state store): where the camera is in its episode, the episode's closed frames (sparse), and the
 * raw events of the frame being filled. The membrane state is not here: it is recomputed from the frames.
 * {@link #generation} increases with every change, so a cached network state knows whether it matches.
 * Mutable; one instance per camera at a time, on the stream thread that owns the camera's partition.
 */
public final class CameraState {

    /** Where a camera stands. */
    public enum Phase {
        /** No episode: the next event starts one. */
        IDLE,
        /** An episode is running. */
        OPEN,
        /** The sample was decided early; its remaining events are ignored until the next sample starts. */
        DECIDED
    }

    long generation;
    long nextEpisode;
    Phase phase = Phase.IDLE;

    long episode;
    boolean replayed;
    String sampleId = "";
    boolean hasLabel;
    int label;
    long episodeStartUs;
    long lastEventUs;
    long lastIntendedNs;
    long lastRecordWallNs;
    int inputPartition = -1;
    long inputOffset = -1;
    final List<StoredFrame> frames = new ArrayList<>();
    final EventBuffer partial;

    public CameraState(SensorGeometry geometry) {
        this.partial = new EventBuffer(geometry, 0);
    }

    public long generation() {
        return generation;
    }

    /** Marks a change; returns the new generation. */
    public long touch() {
        return ++generation;
    }

    public Phase phase() {
        return phase;
    }

    public long episode() {
        return episode;
    }

    /** True when the episode's stream carries sample boundaries (replay metadata). */
    public boolean replayed() {
        return replayed;
    }

    public String sampleId() {
        return sampleId;
    }

    public boolean hasLabel() {
        return hasLabel;
    }

    public int label() {
        return label;
    }

    public long episodeStartUs() {
        return episodeStartUs;
    }

    public long lastEventUs() {
        return lastEventUs;
    }

    public long lastIntendedNs() {
        return lastIntendedNs;
    }

    public long lastRecordWallNs() {
        return lastRecordWallNs;
    }

    /**
     * True when this state already holds the effect of the input record at {@code offset} of
     * {@code partition}: a record read again after a restart under at-least-once, when the state's changelog
     * had got further than the committed input offsets. Applying it twice would frame its events twice.
     */
    public boolean holds(int partition, long offset) {
        return partition == inputPartition && offset <= inputOffset;
    }

    /** The input record at {@code offset} of {@code partition} has been applied. */
    public void noteInput(int partition, long offset) {
        inputPartition = partition;
        inputOffset = offset;
    }

    /** Partition of the last input record applied (-1 when unknown). */
    public int inputPartition() {
        return inputPartition;
    }

    /** Offset of the last input record applied (-1 when unknown). */
    public long inputOffset() {
        return inputOffset;
    }

    /** Closed frames of the current episode, oldest first. */
    public List<StoredFrame> frames() {
        return frames;
    }

    /** Raw events of the frame being filled (since the last frame closed). */
    public EventBuffer partial() {
        return partial;
    }

    /** Events that went into the episode's frames so far (closed and partial). */
    public long eventsUsed() {
        long n = partial.size();
        for (StoredFrame f : frames) {
            n += f.events();
        }
        return n;
    }

    /** Opens episode {@link #nextEpisode}; the caller feeds its first event next. */
    public void startEpisode(boolean fromReplay, String sample, boolean labelled, int labelValue, long startUs) {
        phase = Phase.OPEN;
        episode = nextEpisode++;
        replayed = fromReplay;
        sampleId = sample == null ? "" : sample;
        hasLabel = labelled;
        label = labelled ? labelValue : 0;
        episodeStartUs = startUs;
        lastEventUs = startUs;
        frames.clear();
        partial.clear();
    }

    /** Ends the episode: {@code DECIDED} to ignore the rest of its sample, else {@code IDLE}. */
    public void endEpisode(Phase next) {
        if (next == Phase.OPEN) {
            throw new IllegalArgumentException("an episode ends in IDLE or DECIDED");
        }
        phase = next;
        frames.clear();
        partial.clear();
    }

    public void noteEvent(long tUs) {
        lastEventUs = tUs;
    }

    public void notePacket(long intendedNs, long wallNs) {
        lastIntendedNs = intendedNs;
        lastRecordWallNs = wallNs;
    }

    public void frameClosed(StoredFrame f) {
        frames.add(f);
        partial.clear();
    }
}
