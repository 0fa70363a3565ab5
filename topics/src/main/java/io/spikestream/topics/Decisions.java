package io.spikestream.topics;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Deduplicates decisions as a consumer of the classifications topic reads them, on their record key
 * ({@link DecisionKey}: camera and episode). Under at-least-once the stream app may emit a decision again
 * after a crash; decisions are deterministic functions of the input, so the repeat has the same key and
 * the same outcome ({@link Decision#sameOutcome}). {@link #accept} says whether a decision is
 * {@link Outcome#NEW}, a {@link Outcome#DUPLICATE} to drop, or a {@link Outcome#CONFLICT}: the same key with
 * another outcome, which means the input or the model changed between the two runs (or a bug), never a
 * crash alone. Duplicates and conflicts are counted.
 *
 * <p>Memory is bounded: per camera the outcomes of its last {@code window} new episodes are kept. One
 * camera's decisions arrive in episode order (they share a partition), and a repeat after a crash goes back
 * at most to the stream app's last commit, so the window only needs to cover the episodes of one commit
 * interval; a key older than the window is taken for a duplicate without comparing it. Thread-safe.
 */
public final class Decisions {
    /** What a decision read from the topic is. */
    public enum Outcome {
        /** The first decision with its key: keep it. */
        NEW,
        /** A repeat of a decision already seen (same key, same outcome): drop it. */
        DUPLICATE,
        /** Same key as a decision already seen, different outcome: drop it and find out why. */
        CONFLICT
    }

    /** Episodes remembered per camera by default. */
    public static final int DEFAULT_WINDOW = 1024;

    private final int window;
    private final Map<String, Camera> cameras = new HashMap<>();
    private long unique;
    private long duplicates;
    private long conflicts;

    public Decisions() {
        this(DEFAULT_WINDOW);
    }

    /** @param window episodes remembered per camera (at least 1) */
    public Decisions(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        this.window = window;
    }

    private static final class Camera {
        /** Episode → fingerprint of its decision's outcome. */
        final Map<Long, Long> seen = new HashMap<>();
        final ArrayDeque<Long> order = new ArrayDeque<>();
        long forgottenUpTo = -1;
    }

    /** Classifies {@code d} (its key is its camera and episode) and counts it. */
    public synchronized Outcome accept(Decision d) {
        Camera c = cameras.computeIfAbsent(d.cameraId(), k -> new Camera());
        long print = fingerprint(d);
        Long first = c.seen.get(d.episode());
        if (first != null) {
            if (first == print) {
                duplicates++;
                return Outcome.DUPLICATE;
            }
            conflicts++;
            return Outcome.CONFLICT;
        }
        if (d.episode() <= c.forgottenUpTo) {
            duplicates++;
            return Outcome.DUPLICATE;
        }
        c.seen.put(d.episode(), print);
        c.order.addLast(d.episode());
        if (c.order.size() > window) {
            long oldest = c.order.removeFirst();
            c.seen.remove(oldest);
            c.forgottenUpTo = Math.max(c.forgottenUpTo, oldest);
        }
        unique++;
        return Outcome.NEW;
    }

    /** The decisions of {@code all} in order, each key once (the first), duplicates and conflicts counted. */
    public List<Decision> distinct(List<Decision> all) {
        return all.stream().filter(d -> accept(d) == Outcome.NEW).toList();
    }

    /**
     * A 64-bit digest of everything {@link Decision#sameOutcome} compares, so that the window keeps 16 bytes
     * per episode rather than the decision.
     */
    static long fingerprint(Decision d) {
        long h = 0x6A09E667F3BCC909L;
        h = mix(h, d.cameraId().hashCode());
        h = mix(h, d.sampleId().hashCode());
        h = mix(h, d.episode());
        h = mix(h, d.predictedClass());
        h = mix(h, d.predictedLabel().hashCode());
        h = mix(h, d.scores().size());
        for (Float f : d.scores()) {
            h = mix(h, Float.floatToIntBits(f));
        }
        h = mix(h, Float.floatToIntBits(d.confidence()));
        h = mix(h, Float.floatToIntBits(d.margin()));
        h = mix(h, d.stepsUsed());
        h = mix(h, d.maxSteps());
        h = mix(h, d.exit().ordinal());
        h = mix(h, d.label().isPresent() ? d.label().getAsInt() : Long.MIN_VALUE);
        h = mix(h, d.episodeStartUs());
        h = mix(h, d.decisionEventTimeUs());
        h = mix(h, d.eventsUsed());
        h = mix(h, d.decidingPacketIntendedSendNs());
        h = mix(h, d.modelId().hashCode());
        h = mix(h, d.stages().actualSendNs());
        return mix(h, d.stages().recordTimestampMs());
    }

    private static long mix(long h, long v) {
        long x = (h ^ v) * 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 29);
    }

    /** Decisions seen for the first time. */
    public synchronized long unique() {
        return unique;
    }

    /** Repeats of a decision already seen, with the same outcome. */
    public synchronized long duplicates() {
        return duplicates;
    }

    /** Repeated keys whose outcome differed from the first decision with that key. */
    public synchronized long conflicts() {
        return conflicts;
    }
}
