package io.spikestream.bench;

import io.spikestream.proto.v1.Classification;
import io.spikestream.replay.ProducerSettings;
import io.spikestream.replay.ReplayConfig;
import io.spikestream.replay.SampleSource;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.Guarantee;
import io.spikestream.topics.Topic;
import io.spikestream.topics.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One bench run: a replay per load (number of cameras), measured against a stream app already
 * reading {@code replay.topic()} and writing {@code classifications} on {@code producer}'s
 * bootstrap servers. Build one with {@link #builder(SampleSource, ModelInfo)}.
 *
 * @param loads                cameras per load, ascending; one entry for a single run
 * @param warmup               before each load's measured run, replay this long at the same load and
 *                             drain it (warms the JIT and the pipeline; not reported); zero skips it
 * @param drainTimeout         how long to wait for outstanding classifications after a replay
 * @param p99BoundMs           the knee is the highest load whose p99 stays at or under this
 * @param classifications      the stream app's output topic
 * @param partitions           partitions for topics the bench has to create
 * @param configuration        extra facts for the report (data path, embedded, ...)
 * @param guarantee            what the stream app promises: under exactly-once a duplicate fails the run, under
 *                             at-least-once duplicates are counted and dropped
 * @param offline              checks every decision against the offline path after each load; null: no check
 */
public record BenchConfig(SampleSource source, ReplayConfig replay, ProducerSettings producer, List<Integer> loads,
                          Duration warmup, Duration drainTimeout, double p99BoundMs,
                          Topic<DecisionKey, Classification> classifications, int partitions, ModelInfo model,
                          Map<String, Object> configuration, Guarantee guarantee, OfflineCheck offline) {

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
        Objects.requireNonNull(classifications, "classifications");
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
        guarantee = guarantee == null ? Guarantee.EXACTLY_ONCE : guarantee;
    }

    /** The same bench with another producer (e.g. pointed at a broker started for the run). */
    public BenchConfig withProducer(ProducerSettings settings) {
        return new BenchConfig(source, replay, settings, loads, warmup, drainTimeout, p99BoundMs, classifications,
                partitions, model, configuration, guarantee, offline);
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
        m.put("input_topic", replay.topic().name());
        m.put("classifications_topic", classifications.name());
        m.put("data", source.describe());
        Map<String, Object> r = replay.describe();
        r.remove("cameras"); // set per load: loads_cameras
        m.put("replay", r);
        m.put("producer", producer.describe());
        m.put("model", model.describe());
        m.put("guarantee", guarantee.text());
        m.put("offline_check", offline != null);
        m.putAll(configuration);
        return m;
    }

    /**
     * A bench of {@code source} against a stream app serving {@code model}. Defaults: the default replay on
     * {@code localhost:9092}, one load of one camera, 5 s warm-up, 30 s drain timeout, the default p99 bound,
     * the default classifications topic, 4 partitions, nothing extra in the report, exactly-once, no offline check.
     */
    public static Builder builder(SampleSource source, ModelInfo model) {
        return new Builder(source, model);
    }

    /** Collects a bench configuration; {@link #build()} validates it. Not thread-safe. */
    public static final class Builder {
        private final SampleSource source;
        private final ModelInfo model;
        private ReplayConfig replay = ReplayConfig.defaults();
        private ProducerSettings producer = ProducerSettings.defaults("localhost:9092");
        private List<Integer> loads = List.of(1);
        private Duration warmup = Duration.ofSeconds(5);
        private Duration drainTimeout = Duration.ofSeconds(30);
        private double p99BoundMs = DEFAULT_P99_BOUND_MS;
        private Topic<DecisionKey, Classification> classifications = Topics.defaults().classifications();
        private int partitions = 4;
        private Map<String, Object> configuration = Map.of();
        private Guarantee guarantee = Guarantee.EXACTLY_ONCE;
        private OfflineCheck offline;

        private Builder(SampleSource source, ModelInfo model) {
            this.source = source;
            this.model = model;
        }

        public Builder replay(ReplayConfig v) {
            replay = v;
            return this;
        }

        public Builder producer(ProducerSettings v) {
            producer = v;
            return this;
        }

        public Builder loads(List<Integer> v) {
            loads = v;
            return this;
        }

        public Builder warmup(Duration v) {
            warmup = v;
            return this;
        }

        public Builder drainTimeout(Duration v) {
            drainTimeout = v;
            return this;
        }

        public Builder p99BoundMs(double v) {
            p99BoundMs = v;
            return this;
        }

        public Builder classifications(Topic<DecisionKey, Classification> v) {
            classifications = v;
            return this;
        }

        public Builder partitions(int v) {
            partitions = v;
            return this;
        }

        public Builder configuration(Map<String, Object> v) {
            configuration = v;
            return this;
        }

        public Builder guarantee(Guarantee v) {
            guarantee = v;
            return this;
        }

        /** Null: no offline check. */
        public Builder offline(OfflineCheck v) {
            offline = v;
            return this;
        }

        public BenchConfig build() {
            return new BenchConfig(source, replay, producer, loads, warmup, drainTimeout, p99BoundMs, classifications,
                    partitions, model, configuration, guarantee, offline);
        }
    }
}
