package io.spikestream.bench;

import io.spikestream.replay.SampleRef;
import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.topics.Decision;
import io.spikestream.topics.Decisions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Joins classifications to the samples one load replayed and records what they say. Decisions are
 * first deduplicated on their record key (camera, episode) by {@link Decisions}: a repeat with the same
 * outcome (at-least-once after a restart) is a duplicate, a repeat with another outcome a conflict;
 * neither is counted again. Each camera replays a sample at most once per occurrence, so (camera,
 * sample id) with an occurrence count identifies what was expected: a decision beyond the occurrences
 * is unexpected, fewer are missing. Thread-safe (the replay thread registers samples, the consumer
 * thread records decisions).
 */
final class ClassificationTracker {
    private static final int MAX_EXAMPLES = 10;

    private final int maxSteps;
    private final long measureFromNs;
    private final Decisions decisions = new Decisions();
    private final Map<String, int[]> replayed = new HashMap<>();
    private final Map<String, SampleRef> samples = new HashMap<>();
    private final Map<String, int[]> received = new HashMap<>();
    private long expected;
    private long classified;
    private long unexpected;
    private long correct;
    private long labelled;
    private long stepsSum;
    private long noSendTime;
    private final Histogram latencyUs = new Histogram(3);
    private final Histogram emitUs = new Histogram(3);
    private final Histogram sensorUs = new Histogram(3);
    private final StageBreakdown stages = new StageBreakdown();
    private final long[] stepsHistogram;
    private final long[] correctBySteps;
    private final long[] labelledBySteps;
    private final Map<ExitDecision, Long> exitReasons = new EnumMap<>(ExitDecision.class);
    private final List<String> duplicateExamples = new ArrayList<>();
    private final List<String> conflictExamples = new ArrayList<>();
    private final List<OfflineCheck.Served> served = new ArrayList<>();

    ClassificationTracker(int maxSteps, long measureFromNs) {
        this.maxSteps = maxSteps;
        this.measureFromNs = measureFromNs;
        stepsHistogram = new long[maxSteps + 2];
        correctBySteps = new long[maxSteps + 2];
        labelledBySteps = new long[maxSteps + 2];
    }

    private static String key(String camera, String sample) {
        return camera + '\u0000' + sample;
    }

    synchronized void started(String camera, SampleRef sample) {
        String k = key(camera, sample.id());
        replayed.computeIfAbsent(k, x -> new int[1])[0]++;
        samples.put(k, sample);
        expected++;
    }

    /** Records one consumed decision of this load's cameras; {@code consumedNs} on the replay clock. */
    synchronized void record(Decision c, long consumedNs) {
        record(c, 0, consumedNs, "");
    }

    /**
     * As {@link #record(Decision, long)}; {@code appendMs} is the classification record's broker append time (0
     * when its timestamp is not one), {@code where} (topic-partition@offset) names duplicates.
     */
    synchronized void record(Decision c, long appendMs, long consumedNs, String where) {
        switch (decisions.accept(c)) {
            case DUPLICATE -> {
                example(duplicateExamples, c, where);
                return;
            }
            case CONFLICT -> {
                example(conflictExamples, c, where);
                return;
            }
            case NEW -> {
            }
        }
        String k = key(c.cameraId(), c.sampleId());
        int[] r = replayed.get(k);
        int[] got = r == null ? null : received.computeIfAbsent(k, x -> new int[1]);
        if (r == null || got[0] >= r[0]) {
            unexpected++;
            return;
        }
        got[0]++;
        classified++;
        int steps = Math.min(c.stepsUsed(), maxSteps + 1);
        stepsSum += c.stepsUsed();
        stepsHistogram[steps]++;
        exitReasons.merge(c.exit(), 1L, Long::sum);
        SampleRef sample = samples.get(k);
        Integer label = sample.hasLabel() ? sample.label() : c.label().isPresent() ? c.label().getAsInt() : null;
        if (label != null) {
            labelled++;
            labelledBySteps[steps]++;
            if (c.predictedClass() == label) {
                correct++;
                correctBySteps[steps]++;
            }
        }
        served.add(new OfflineCheck.Served(sample, c));
        long sensor = c.decisionEventTimeUs() - c.episodeStartUs();
        if (sensor >= 0) {
            sensorUs.recordValue(sensor);
        }
        long sent = c.decidingPacketIntendedSendNs();
        if (sent <= 0) {
            noSendTime++;
            return;
        }
        if (sent >= measureFromNs) {
            latencyUs.recordValue(Math.max(0, consumedNs - sent) / 1000);
            if (c.emittedAtNs() > 0) {
                emitUs.recordValue(Math.max(0, c.emittedAtNs() - sent) / 1000);
            }
            stages.record(c, appendMs, consumedNs);
        }
    }

    private static void example(List<String> examples, Decision c, String where) {
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(String.format(Locale.ROOT, "%s %s episode %d, class %d, %d steps, %s, %s", c.cameraId(),
                    c.sampleId(), c.episode(), c.predictedClass(), c.stepsUsed(), c.exit(), where));
        }
    }

    synchronized long expected() {
        return expected;
    }

    synchronized long classified() {
        return classified;
    }

    /** The running figures of this load, cheap enough to call about once a second. */
    synchronized LiveStats live(int cameras) {
        boolean timed = latencyUs.getTotalCount() > 0;
        return new LiveStats(cameras, classified, expected, labelled == 0 ? Double.NaN : (double) correct / labelled,
                classified == 0 ? Double.NaN : (double) stepsSum / classified,
                timed ? latencyUs.getValueAtPercentile(50) / 1000.0 : Double.NaN,
                timed ? latencyUs.getValueAtPercentile(99) / 1000.0 : Double.NaN);
    }

    /** A consistent copy of everything recorded. */
    synchronized Snapshot snapshot() {
        long missing = 0;
        for (Map.Entry<String, int[]> e : replayed.entrySet()) {
            int[] got = received.get(e.getKey());
            missing += e.getValue()[0] - (got == null ? 0 : got[0]);
        }
        return new Snapshot(expected, classified, decisions.duplicates(), decisions.conflicts(), missing, unexpected,
                correct, labelled, stepsSum, noSendTime, latencyUs.copy(), emitUs.copy(), sensorUs.copy(),
                stages.histograms(), stages.complete(), stepsHistogram.clone(), correctBySteps.clone(),
                labelledBySteps.clone(), new EnumMap<>(exitReasons), List.copyOf(duplicateExamples),
                List.copyOf(conflictExamples), List.copyOf(served));
    }

    record Snapshot(long expected, long classified, long duplicates, long conflicts, long missing, long unexpected,
                    long correct, long labelled, long stepsSum, long noSendTime, Histogram latencyUs, Histogram emitUs,
                    Histogram sensorUs, Map<Stage, Histogram> stages, long stagesComplete, long[] stepsHistogram,
                    long[] correctBySteps, long[] labelledBySteps, Map<ExitDecision, Long> exitReasons,
                    List<String> duplicateExamples, List<String> conflictExamples, List<OfflineCheck.Served> served) {
    }
}
