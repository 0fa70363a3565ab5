package io.spikestream.bench;

import io.spikestream.replay.SampleRef;
import io.spikestream.replay.SampleSource;
import io.spikestream.snn.exit.OfflineDecider;
import io.spikestream.topics.Decision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks every decision a load received against the offline path for the same recording ({@link OfflineDecider}:
 * the trainer's frames, the same engine and exit rule): predicted class, steps, exit reason and every score bit
 * for bit. Runs after a load has drained, so it costs the measurement nothing. It assumes the stream app runs
 * the checkpoint's own exit rule; a server with exit overrides differs by design. Not thread-safe.
 */
public final class OfflineCheck {
    private static final int MAX_EXAMPLES = 10;

    private final OfflineDecider decider;

    /** A decision the bench received, with the sample it decides. */
    record Served(SampleRef sample, Decision decision) {
    }

    /**
     * What the check found. {@code correct}, {@code labelled} and {@code stepsSum} are the offline path's
     * over the same samples, so its accuracy and mean steps compare directly with the load's.
     */
    public record Result(long checked, long identical, long correct, long labelled, long stepsSum, List<String> examples) {
        public long differing() {
            return checked - identical;
        }

        public double accuracy() {
            return labelled == 0 ? Double.NaN : (double) correct / labelled;
        }

        public double meanSteps() {
            return checked == 0 ? Double.NaN : (double) stepsSum / checked;
        }

        /** The results of several loads as one (the first ten examples). */
        static Result sum(List<Result> results) {
            long checked = 0;
            long identical = 0;
            long correct = 0;
            long labelled = 0;
            long steps = 0;
            List<String> examples = new ArrayList<>();
            for (Result r : results) {
                checked += r.checked();
                identical += r.identical();
                correct += r.correct();
                labelled += r.labelled();
                steps += r.stepsSum();
                r.examples().stream().limit(Math.max(0, MAX_EXAMPLES - examples.size())).forEach(examples::add);
            }
            return new Result(checked, identical, correct, labelled, steps, List.copyOf(examples));
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("checked", checked);
            m.put("identical", identical);
            m.put("differing", differing());
            m.put("offline_accuracy", Percentiles.num(accuracy()));
            m.put("offline_mean_steps", Percentiles.num(meanSteps()));
            m.put("examples", examples);
            return m;
        }
    }

    public OfflineCheck(OfflineDecider decider) {
        this.decider = decider;
    }

    Result check(List<Served> served, SampleSource source) {
        Map<String, OfflineDecider.Result> cache = new HashMap<>();
        long identical = 0;
        long correct = 0;
        long labelled = 0;
        long steps = 0;
        List<String> examples = new ArrayList<>();
        for (Served s : served) {
            OfflineDecider.Result offline = cache.computeIfAbsent(s.sample().id(), id -> decider.decide(source.load(s.sample())));
            Decision d = s.decision();
            steps += offline.steps();
            if (s.sample().hasLabel()) {
                labelled++;
                correct += offline.predicted() == s.sample().label() ? 1 : 0;
            }
            String diff = difference(d, offline);
            if (diff == null) {
                identical++;
            } else if (examples.size() < MAX_EXAMPLES) {
                examples.add(d.cameraId() + " " + d.sampleId() + " episode " + d.episode() + ": " + diff);
            }
        }
        return new Result(served.size(), identical, correct, labelled, steps, List.copyOf(examples));
    }

    /** What differs between a served and the offline decision, or null when nothing does. */
    static String difference(Decision d, OfflineDecider.Result offline) {
        if (d.predictedClass() != offline.predicted() || d.stepsUsed() != offline.steps() || d.exit() != offline.reason()) {
            return String.format(Locale.ROOT, "served class %d in %d steps (%s), offline class %d in %d steps (%s)",
                    d.predictedClass(), d.stepsUsed(), d.exit(), offline.predicted(), offline.steps(), offline.reason());
        }
        float[] want = offline.scores();
        if (d.scores().size() != want.length) {
            return d.scores().size() + " scores served, " + want.length + " offline";
        }
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(d.scores().get(i)) != Float.floatToIntBits(want[i])) {
                return "score " + i + " served " + d.scores().get(i) + ", offline " + want[i];
            }
        }
        return null;
    }
}
