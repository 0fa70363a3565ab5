package io.spikestream.bench;

import io.spikestream.replay.ReplayResult;
import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.topics.Guarantee;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one load (a number of cameras) gave: the replay, the delivery check, accuracy, steps, decision
 * latency (intended send of the deciding packet → consumed) after the warm-up and its breakdown by stage,
 * and the offline check.
 *
 * @param duplicates        decisions received again with the same key and outcome (at-least-once restarts)
 * @param conflicts         decisions received again with the same key and another outcome (never acceptable)
 * @param duplicateExamples up to ten duplicates: camera, sample, episode, class, steps, exit reason, record position
 * @param emitMs          intended send → the stream app's emit stamp (its clock; meaningful when on this machine)
 * @param stages          latency by {@link Stage}, in pipeline order
 * @param stagesComplete  decisions with every stage known
 * @param stepsHistogram  decisions by steps used, index = steps (the last bin: more than T)
 * @param correctBySteps  correct decisions by steps used; {@code labelledBySteps} those with a known label
 * @param offline         the offline check of every decision, null when not run
 */
public record LoadResult(int cameras, ReplayResult replay, long expected, long classified, long duplicates,
                         long conflicts, long missing, long unexpected, long noSendTime, double accuracy, double meanSteps,
                         Percentiles latencyMs, Percentiles emitMs, Percentiles sensorMs, Map<Stage, Percentiles> stages,
                         long stagesComplete, List<double[]> latencyCurve, long[] stepsHistogram, long[] correctBySteps,
                         long[] labelledBySteps, Map<ExitDecision, Long> exitReasons, long correct, long labelled,
                         long stepsSum, List<String> duplicateExamples, List<String> conflictExamples,
                         OfflineCheck.Result offline) {

    static LoadResult of(int cameras, ReplayResult replay, ClassificationTracker.Snapshot s, OfflineCheck.Result offline) {
        Map<Stage, Percentiles> stages = new EnumMap<>(Stage.class);
        s.stages().forEach((stage, h) -> stages.put(stage, Percentiles.ofMicros(h)));
        return new LoadResult(cameras, replay, s.expected(), s.classified(), s.duplicates(), s.conflicts(), s.missing(),
                s.unexpected(), s.noSendTime(),
                s.labelled() == 0 ? Double.NaN : (double) s.correct() / s.labelled(),
                s.classified() == 0 ? Double.NaN : (double) s.stepsSum() / s.classified(),
                Percentiles.ofMicros(s.latencyUs()), Percentiles.ofMicros(s.emitUs()), Percentiles.ofMicros(s.sensorUs()),
                stages, s.stagesComplete(), Percentiles.curve(s.latencyUs()), s.stepsHistogram(), s.correctBySteps(),
                s.labelledBySteps(), s.exitReasons(), s.correct(), s.labelled(), s.stepsSum(), s.duplicateExamples(),
                s.conflictExamples(), offline);
    }

    /** Accuracy of the decisions that used that many steps (NaN where none had a label). */
    public double[] accuracyBySteps() {
        return accuracyBySteps(correctBySteps, labelledBySteps);
    }

    static double[] accuracyBySteps(long[] correct, long[] labelled) {
        double[] acc = new double[labelled.length];
        for (int i = 0; i < acc.length; i++) {
            acc[i] = labelled[i] == 0 ? Double.NaN : (double) correct[i] / labelled[i];
        }
        return acc;
    }

    /** Every replayed sample got exactly one decision and nothing else arrived. */
    public boolean exactlyOnce() {
        return complete() && duplicates == 0;
    }

    /**
     * Every replayed sample got its decision, nothing unexpected arrived, no repeat had another outcome, and
     * the offline check (when run) found every decision identical. Duplicates are allowed: whether they are
     * acceptable depends on the guarantee ({@link #meets}).
     */
    public boolean complete() {
        return classified == expected && missing == 0 && unexpected == 0 && conflicts == 0
                && (offline == null || offline.differing() == 0);
    }

    /** {@link #complete()}, and no duplicate under exactly-once. */
    public boolean meets(Guarantee guarantee) {
        return complete() && (guarantee == Guarantee.AT_LEAST_ONCE || duplicates == 0);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cameras", cameras);
        m.put("expected", expected);
        m.put("classified", classified);
        m.put("duplicates", duplicates);
        m.put("conflicting_duplicates", conflicts);
        m.put("missing", missing);
        m.put("unexpected", unexpected);
        m.put("duplicate_examples", duplicateExamples);
        m.put("conflict_examples", conflictExamples);
        m.put("exactly_once", exactlyOnce());
        m.put("complete", complete());
        m.put("accuracy", Percentiles.num(accuracy));
        m.put("mean_steps", Percentiles.num(meanSteps));
        m.put("latency_ms", latencyMs.toJson());
        m.put("emit_latency_ms", emitMs.toJson());
        m.put("sensor_time_to_decision_ms", sensorMs.toJson());
        m.put("stages", stagesJson(stages, stagesComplete));
        m.put("offline_check", offline == null ? null : offline.toJson());
        m.put("offered_events_per_s", replay.offeredEventsPerS());
        m.put("achieved_events_per_s", replay.achievedEventsPerS());
        m.put("no_send_time", noSendTime);
        m.put("exit_reasons", exitReasonsJson(exitReasons));
        m.put("steps_histogram", stepsHistogramJson(stepsHistogram));
        m.put("accuracy_by_steps", accuracyByStepsJson(accuracyBySteps(), stepsHistogram));
        m.put("replay", replay.toJson());
        List<List<Double>> curve = new ArrayList<>();
        for (double[] p : latencyCurve) {
            curve.add(List.of(p[0], p[1]));
        }
        m.put("latency_curve", curve);
        return m;
    }

    /** Per stage its description and p50/p90/p99/p99.9/max in ms, in pipeline order, and how many decisions had all. */
    static Map<String, Object> stagesJson(Map<Stage, Percentiles> stages, long complete) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<Stage, Percentiles> e : stages.entrySet()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("stage", e.getKey().description());
            one.putAll(e.getValue().toJson());
            m.put(e.getKey().jsonName(), one);
        }
        m.put("decisions_with_every_stage", complete);
        return m;
    }

    static Map<String, Long> exitReasonsJson(Map<ExitDecision, Long> reasons) {
        Map<String, Long> m = new LinkedHashMap<>();
        reasons.forEach((r, n) -> m.put(r.name().toLowerCase(Locale.ROOT), n));
        return m;
    }

    static Map<String, Long> stepsHistogramJson(long[] h) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < h.length; i++) {
            if (h[i] > 0) {
                m.put(i == h.length - 1 ? ">" + (i - 1) : Integer.toString(i), h[i]);
            }
        }
        return m;
    }

    static Map<String, Double> accuracyByStepsJson(double[] acc, long[] h) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < acc.length; i++) {
            if (!Double.isNaN(acc[i])) {
                m.put(i == h.length - 1 ? ">" + (i - 1) : Integer.toString(i), acc[i]);
            }
        }
        return m;
    }
}
