package io.spikestream.bench;

import io.spikestream.snn.exit.ExitDecision;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bench run: one {@link LoadResult} per load, the knee of a sweep, and where it ran.
 * The top-level figures of {@link #toJson()} are: counts, accuracy and steps over all loads
 * (every replayed sample is checked), latency and rates from the headline load — the only load
 * of a single run, the knee of a sweep, or the lowest load when none met the bound.
 */
public record BenchResult(BenchConfig config, List<LoadResult> loads, Integer kneeCameras,
                          Map<String, Object> machine, String startedAt, double seconds,
                          Map<String, String> timestampTypes) {

    /** @param timestampTypes each topic's {@code message.timestamp.type} as the broker reported it */
    public BenchResult {
        loads = List.copyOf(loads);
        timestampTypes = timestampTypes == null ? Map.of() : Map.copyOf(timestampTypes);
    }

    /**
     * The knee: the highest load whose p99 is at or under the bound with no sample missing (a
     * decision that never came is slower than any bound, so a load that lost some does not qualify).
     */
    static Integer knee(List<LoadResult> loads, double boundMs) {
        Integer knee = null;
        for (LoadResult r : loads) {
            if (r.missing() == 0 && r.classified() > 0 && r.latencyMs().count() > 0 && r.latencyMs().p99() <= boundMs) {
                knee = r.cameras();
            }
        }
        return knee;
    }

    public LoadResult headline() {
        if (kneeCameras != null) {
            for (LoadResult r : loads) {
                if (r.cameras() == kneeCameras) {
                    return r;
                }
            }
        }
        return loads.get(0);
    }

    public long expected() {
        return loads.stream().mapToLong(LoadResult::expected).sum();
    }

    public long classified() {
        return loads.stream().mapToLong(LoadResult::classified).sum();
    }

    public long duplicates() {
        return loads.stream().mapToLong(LoadResult::duplicates).sum();
    }

    public long missing() {
        return loads.stream().mapToLong(LoadResult::missing).sum();
    }

    public long conflicts() {
        return loads.stream().mapToLong(LoadResult::conflicts).sum();
    }

    public long unexpected() {
        return loads.stream().mapToLong(LoadResult::unexpected).sum();
    }

    public double accuracy() {
        long labelled = loads.stream().mapToLong(LoadResult::labelled).sum();
        return labelled == 0 ? Double.NaN : (double) loads.stream().mapToLong(LoadResult::correct).sum() / labelled;
    }

    public double meanSteps() {
        long n = classified();
        return n == 0 ? Double.NaN : (double) loads.stream().mapToLong(LoadResult::stepsSum).sum() / n;
    }

    public boolean exactlyOnce() {
        return loads.stream().allMatch(LoadResult::exactlyOnce);
    }

    /**
     * Every load kept the stream app's promise ({@link BenchConfig#guarantee()}): nothing missing, nothing
     * unexpected, no conflicting repeat, every decision equal to the offline path's, and no duplicate unless at
     * least once.
     */
    public boolean ok() {
        return loads.stream().allMatch(l -> l.meets(config.guarantee()));
    }

    /** Decisions that differ from the offline path's over all loads (0 when the check did not run). */
    public long offlineDiffering() {
        return loads.stream().mapToLong(l -> l.offline() == null ? 0 : l.offline().differing()).sum();
    }

    /** Accuracy by steps used over all loads. */
    public double[] accuracyBySteps() {
        int bins = config.model().maxSteps() + 2;
        long[] correctBy = new long[bins];
        long[] labelledBy = new long[bins];
        for (LoadResult r : loads) {
            for (int i = 0; i < bins; i++) {
                correctBy[i] += r.correctBySteps()[i];
                labelledBy[i] += r.labelledBySteps()[i];
            }
        }
        return LoadResult.accuracyBySteps(correctBy, labelledBy);
    }

    /** Steps histogram over all loads. */
    public long[] stepsHistogram() {
        long[] h = new long[config.model().maxSteps() + 2];
        for (LoadResult r : loads) {
            for (int i = 0; i < h.length; i++) {
                h[i] += r.stepsHistogram()[i];
            }
        }
        return h;
    }

    /** The offline check over all loads: decisions checked, identical, and the offline accuracy and mean steps. */
    private Map<String, Object> offlineJson() {
        return OfflineCheck.Result.sum(loads.stream().map(LoadResult::offline).toList()).toJson();
    }

    /** The report's JSON object (also what {@code bench --json} prints). */
    public Map<String, Object> toJson() {
        LoadResult head = headline();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classified", classified());
        m.put("expected", expected());
        m.put("duplicates", duplicates());
        m.put("conflicting_duplicates", conflicts());
        m.put("missing", missing());
        m.put("unexpected", unexpected());
        m.put("exactly_once", exactlyOnce());
        m.put("guarantee", config.guarantee().text());
        m.put("guarantee_kept", ok());
        m.put("accuracy", Percentiles.num(accuracy()));
        m.put("mean_steps", Percentiles.num(meanSteps()));
        m.put("latency_ms", head.latencyMs().toJson());
        m.put("offered_events_per_s", head.replay().offeredEventsPerS());
        m.put("achieved_events_per_s", head.replay().achievedEventsPerS());
        m.put("headline_cameras", head.cameras());
        m.put("sensor_time_to_decision_ms", head.sensorMs().toJson());
        Map<String, Object> stages = LoadResult.stagesJson(head.stages(), head.stagesComplete());
        stages.put("topic_timestamp_types", new LinkedHashMap<>(timestampTypes));
        m.put("stages", stages);
        m.put("offline_check", head.offline() == null ? null : offlineJson());
        Map<ExitDecision, Long> reasons = new EnumMap<>(ExitDecision.class);
        for (LoadResult r : loads) {
            r.exitReasons().forEach((k, v) -> reasons.merge(k, v, Long::sum));
        }
        m.put("exit_reasons", LoadResult.exitReasonsJson(reasons));
        long[] steps = stepsHistogram();
        m.put("steps_histogram", LoadResult.stepsHistogramJson(steps));
        m.put("accuracy_by_steps", LoadResult.accuracyByStepsJson(accuracyBySteps(), steps));
        Map<String, Object> knee = new LinkedHashMap<>();
        knee.put("cameras", kneeCameras);
        knee.put("p99_bound_ms", config.p99BoundMs());
        knee.put("rule", "highest load whose p99 decision latency is at or under the bound with no sample missing");
        m.put("knee", knee);
        m.put("loads", loads.stream().map(LoadResult::toJson).toList());
        m.put("machine", machine);
        m.put("configuration", config.describe());
        m.put("started_at", startedAt);
        m.put("seconds", seconds);
        return m;
    }
}
