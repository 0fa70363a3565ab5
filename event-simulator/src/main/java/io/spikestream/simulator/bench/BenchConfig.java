package io.spikestream.simulator.bench;

import io.spikestream.simulator.replay.ProducerSettings;
import io.spikestream.simulator.replay.ReplayConfig;
import io.spikestream.simulator.replay.SampleSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One bench run: a replay per load (number of cameras), measured against a stream app already
 * reading {@code replay.topic()} and writing {@code classificationsTopic} on {@code producer}'s
 * bootstrap servers.
 *
 * @param loads                cameras per load, ascending; one entry for a single run
 * @param warmup               before each load's measured run, replay this long at the same load and
 *                             drain it (warms the JIT and the pipeline; not reported); zero skips it
 * @param drainTimeout         how long to wait for outstanding classifications after a replay
 * @param p99BoundMs           the knee is the highest load whose p99 stays at or under this
 * @param partitions           partitions for topics the bench has to create
 * @param configuration        extra facts for the report (data path, embedded, ...)
 */
public record BenchConfig(SampleSource source, ReplayConfig replay, ProducerSettings producer, List<Integer> loads,
                          Duration warmup, Duration drainTimeout, double p99BoundMs, String classificationsTopic,
                          int partitions, ModelInfo model, Map<String, Object> configuration) {

    /**
     * Default p99 bound. 200 ms is two thirds of an N-MNIST recording (~300 ms, three saccades):
     * past it, a camera's decision arrives after most of the next sample has been shown, so the
     * classifier no longer keeps up with the scene. It is also well inside the ~250 ms at which a
     * person notices a display lagging behind a scene.
     */
    public static final double DEFAULT_P99_BOUND_MS = 200.0;

    public BenchConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(replay, "replay");
        Objects.requireNonNull(producer, "producer");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(classificationsTopic, "classificationsTopic");
        loads = List.copyOf(loads);
        if (loads.isEmpty()) {
            throw new IllegalArgumentException("no loads to run");
        }
        for (int i = 0; i < loads.size(); i++) {
            if (loads.get(i) < 1) {
                throw new IllegalArgumentException("load " + i + ": " + loads.get(i) + " cameras; need at least 1");
            }
            if (i > 0 && loads.get(i) <= loads.get(i - 1)) {
                throw new IllegalArgumentException("loads must increase: " + loads);
            }
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup " + warmup + " is negative");
        }
        if (!(p99BoundMs > 0)) {
            throw new IllegalArgumentException("p99 bound " + p99BoundMs + " ms must be positive");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions " + partitions + " < 1");
        }
        configuration = configuration == null ? Map.of() : new LinkedHashMap<>(configuration);
    }

    public boolean sweep() {
        return loads.size() > 1;
    }

    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loads_cameras", loads);
        m.put("warmup_s", warmup.toMillis() / 1000.0);
        m.put("drain_timeout_s", drainTimeout.toMillis() / 1000.0);
        m.put("p99_bound_ms", p99BoundMs);
        m.put("input_topic", replay.topic());
        m.put("classifications_topic", classificationsTopic);
        m.put("data", source.describe());
        Map<String, Object> r = replay.describe();
        r.remove("cameras"); // set per load: loads_cameras
        m.put("replay", r);
        m.put("producer", producer.describe());
        m.put("model", model.describe());
        m.putAll(configuration);
        return m;
    }
}
