package io.spikestream.bench;

import io.spikestream.replay.ReplayResult;
import io.spikestream.snn.exit.ExitDecision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one load (a number of cameras) gave: the replay, the exactly-once check, accuracy, steps,
 * and decision latency (intended send of the deciding packet → consumed) after the warm-up.
 *
 * @param duplicateExamples up to ten duplicates: camera, sample, episode, steps, exit reason, record position
 * @param emitMs          intended send → the stream app's emit stamp (its clock; meaningful when on this machine)
 * @param stepsHistogram  decisions by steps used, index = steps (the last bin: more than T)
 * @param correctBySteps  correct decisions by steps used; {@code labelledBySteps} those with a known label
 */
public record LoadResult(int cameras, ReplayResult replay, long expected, long classified, long duplicates,
                         long missing, long unexpected, long noSendTime, double accuracy, double meanSteps,
                         Percentiles latencyMs, Percentiles emitMs, Percentiles sensorMs,
                         List<double[]> latencyCurve, long[] stepsHistogram, long[] correctBySteps, long[] labelledBySteps,
                         Map<ExitDecision, Long> exitReasons, long correct, long labelled, long stepsSum,
                         List<String> duplicateExamples) {

    static LoadResult of(int cameras, ReplayResult replay, ClassificationTracker.Snapshot s) {
        return new LoadResult(cameras, replay, s.expected(), s.classified(), s.duplicates(), s.missing(),
                s.unexpected(), s.noSendTime(),
                s.labelled() == 0 ? Double.NaN : (double) s.correct() / s.labelled(),
                s.classified() == 0 ? Double.NaN : (double) s.stepsSum() / s.classified(),
                Percentiles.ofMicros(s.latencyUs()), Percentiles.ofMicros(s.emitUs()), Percentiles.ofMicros(s.sensorUs()),
                Percentiles.curve(s.latencyUs()), s.stepsHistogram(), s.correctBySteps(), s.labelledBySteps(), s.exitReasons(),
                s.correct(), s.labelled(), s.stepsSum(), s.duplicateExamples());
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
        return classified == expected && duplicates == 0 && missing == 0 && unexpected == 0;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cameras", cameras);
        m.put("expected", expected);
        m.put("classified", classified);
        m.put("duplicates", duplicates);
        m.put("missing", missing);
        m.put("unexpected", unexpected);
        m.put("duplicate_examples", duplicateExamples);
        m.put("exactly_once", exactlyOnce());
        m.put("accuracy", Percentiles.num(accuracy));
        m.put("mean_steps", Percentiles.num(meanSteps));
        m.put("latency_ms", latencyMs.toJson());
        m.put("emit_latency_ms", emitMs.toJson());
        m.put("sensor_time_to_decision_ms", sensorMs.toJson());
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
