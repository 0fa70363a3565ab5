package io.spikestream.stream;

import io.spikestream.stream.processor.PollStamp;
import io.spikestream.topics.Guarantee;
import io.spikestream.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the stream app needs besides the model. {@link #kafkaProperties} are passed to Kafka
 * Streams (and its clients) as they are, so SASL/TLS settings work without code here; their values
 * are never printed ({@link #toString()} lists the keys only).
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param applicationId    Kafka Streams {@code application.id} (consumer group, internal topic prefix)
 * @param topics           events in, classifications out, dead letters (names configurable, types fixed)
 * @param threads          stream threads of this instance
 * @param stateDir         Kafka Streams state directory; null for Kafka's default
 * @param idleGrace        wall-clock time after a camera's last record at which its partial frame closes
 * @param exit             early-exit overrides over the checkpoint's calibration
 * @param engine           inference engine
 * @param kafkaProperties  extra Kafka Streams / client properties (override the defaults set here)
 * @param guarantee        exactly-once (the default) or at-least-once ({@link Guarantee})
 */
public record AppConfig(String bootstrapServers, String applicationId, Topics topics, int threads, Path stateDir,
                        Duration idleGrace, ExitOverrides exit, EngineKind engine, Map<String, String> kafkaProperties,
                        Guarantee guarantee) {

    public static final String DEFAULT_APPLICATION_ID = "spikestream-classifier";
    public static final Duration DEFAULT_IDLE_GRACE = Duration.ofMillis(500);

    /** Which network implementation runs the steps. */
    public enum EngineKind {
        /** Event-driven: computes only what active inputs touch (the default). */
        SPARSE,
        /** The dense pure-Java reference, for checking. */
        DENSE
    }

    /**
     * Overrides of the checkpoint's calibrated exit rule; a null field keeps the checkpoint's value,
     * {@code disabled} turns early exit off (every episode runs T steps or to the end of its sample);
     * {@code minSteps} is the step before which no confidence or margin exit fires (≥ 1).
     */
    public record ExitOverrides(Float confidenceThreshold, Float marginThreshold, Integer gammaExitStep, boolean disabled,
                                Integer minSteps) {
        public static final ExitOverrides NONE = new ExitOverrides(null, null, null, false, null);

        public ExitOverrides {
            check("confidence threshold", confidenceThreshold);
            check("margin threshold", marginThreshold);
            if (gammaExitStep != null && gammaExitStep < 0) {
                throw new IllegalArgumentException("exit: gamma exit step " + gammaExitStep + " is negative");
            }
            if (minSteps != null && minSteps < 1) {
                throw new IllegalArgumentException("exit: min steps " + minSteps + " must be at least 1");
            }
        }

        /** Keeps the checkpoint's minimum step count. */
        public ExitOverrides(Float confidenceThreshold, Float marginThreshold, Integer gammaExitStep, boolean disabled) {
            this(confidenceThreshold, marginThreshold, gammaExitStep, disabled, null);
        }

        private static void check(String what, Float v) {
            if (v != null && !(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException("exit: " + what + " " + v + " outside 0..1");
            }
        }
    }

    public AppConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        requireText("application id", applicationId);
        topics = topics == null ? Topics.defaults() : topics;
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (idleGrace == null || idleGrace.isNegative() || idleGrace.isZero()) {
            throw new IllegalArgumentException("idle grace period must be > 0, got " + idleGrace);
        }
        exit = exit == null ? ExitOverrides.NONE : exit;
        engine = engine == null ? EngineKind.SPARSE : engine;
        kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
        guarantee = guarantee == null ? Guarantee.EXACTLY_ONCE : guarantee;
    }

    private static void requireText(String what, String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    /** Defaults for everything but the bootstrap servers. */
    public static AppConfig defaults(String bootstrapServers) {
        return new AppConfig(bootstrapServers, DEFAULT_APPLICATION_ID, Topics.defaults(), 1, null, DEFAULT_IDLE_GRACE,
                ExitOverrides.NONE, EngineKind.SPARSE, Map.of(), Guarantee.EXACTLY_ONCE);
    }

    public AppConfig withApplicationId(String id) {
        return new AppConfig(bootstrapServers, id, topics, threads, stateDir, idleGrace, exit, engine,
                kafkaProperties, guarantee);
    }

    public AppConfig withTopics(Topics t) {
        return new AppConfig(bootstrapServers, applicationId, t, threads, stateDir, idleGrace, exit, engine,
                kafkaProperties, guarantee);
    }

    public AppConfig withThreads(int n) {
        return new AppConfig(bootstrapServers, applicationId, topics, n, stateDir,
                idleGrace, exit, engine, kafkaProperties, guarantee);
    }

    public AppConfig withStateDir(Path dir) {
        return new AppConfig(bootstrapServers, applicationId, topics, threads, dir,
                idleGrace, exit, engine, kafkaProperties, guarantee);
    }

    public AppConfig withIdleGrace(Duration grace) {
        return new AppConfig(bootstrapServers, applicationId, topics, threads,
                stateDir, grace, exit, engine, kafkaProperties, guarantee);
    }

    public AppConfig withExit(ExitOverrides overrides) {
        return new AppConfig(bootstrapServers, applicationId, topics, threads,
                stateDir, idleGrace, overrides, engine, kafkaProperties, guarantee);
    }

    public AppConfig withEngine(EngineKind kind) {
        return new AppConfig(bootstrapServers, applicationId, topics, threads,
                stateDir, idleGrace, exit, kind, kafkaProperties, guarantee);
    }

    public AppConfig withKafkaProperties(Map<String, String> props) {
        return new AppConfig(bootstrapServers, applicationId, topics, threads,
                stateDir, idleGrace, exit, engine, props, guarantee);
    }

    public AppConfig withGuarantee(Guarantee g) {
        return new AppConfig(bootstrapServers, applicationId, topics, threads, stateDir, idleGrace, exit, engine,
                kafkaProperties, g);
    }

    /**
     * Commit interval under exactly-once unless the Kafka properties say otherwise. A decision is visible to
     * read_committed readers only when its transaction commits, so Kafka's exactly-once default of 100 ms
     * would be most of the decision latency (stream-inference/README.md).
     */
    public static final int DEFAULT_COMMIT_INTERVAL_MS = 20;

    /**
     * Consumer session timeout: how long the group waits for a member that stopped without leaving (a
     * killed process, a lost machine) before its partitions move to the others. Shorter moves them
     * sooner but risks rebalances when a busy machine delays heartbeats.
     */
    public static final int DEFAULT_SESSION_TIMEOUT_MS = 10_000;

    /**
     * Commit interval under at-least-once unless the Kafka properties say otherwise. Decisions do not wait
     * for commits; the interval bounds how much input a crash makes the app process again (and so how many
     * decisions it emits twice), and each commit flushes the state stores' changes.
     */
    public static final int DEFAULT_AT_LEAST_ONCE_COMMIT_INTERVAL_MS = 1000;

    /** The commit interval these properties give (the default of the guarantee unless overridden). */
    public int commitIntervalMs() {
        return Integer.parseInt(streamsProperties().getProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    }

    /**
     * The Kafka Streams properties: the guarantee's processing mode and commit interval, this config's ids
     * and threads, a producer that sends a decision at once (Kafka Streams lets its producer linger 100 ms,
     * which under at-least-once would be added to every decision), the poll stamp on the main consumer (for
     * the latency breakdown), then the extra properties on top (so an operator can still choose, say, a
     * different commit interval).
     */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        boolean exactlyOnce = guarantee == Guarantee.EXACTLY_ONCE;
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2
                : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(threads));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.toString(exactlyOnce ? DEFAULT_COMMIT_INTERVAL_MS
                : DEFAULT_AT_LEAST_ONCE_COMMIT_INTERVAL_MS));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // failover: a killed instance's partitions move after the session timeout (Kafka's default 45 s);
        // a closing one leaves the group at once (ClassifierApp.close). Heartbeats every second let the
        // others learn of a rebalance within a second (the trade-off is in the root README's reliability section)
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), Integer.toString(DEFAULT_SESSION_TIMEOUT_MS));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "0");
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG), PollStamp.class.getName());
        if (stateDir != null) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        }
        p.putAll(kafkaProperties);
        return p;
    }

    /** Safe to log: extra Kafka properties by key only, since they may hold passwords or keys. */
    @Override
    public String toString() {
        return "AppConfig[bootstrapServers=" + bootstrapServers + ", applicationId=" + applicationId
                + ", topics=" + topics.events() + " -> " + topics.classifications() + " (dead letters "
                + topics.deadLetters() + ")"
                + ", threads=" + threads + ", stateDir=" + stateDir + ", idleGrace=" + idleGrace.toMillis() + "ms"
                + ", exit=" + exit + ", engine=" + engine + ", guarantee=" + guarantee + ", kafkaProperties=" + new TreeMap<>(kafkaProperties).keySet() + "]";
    }
}
