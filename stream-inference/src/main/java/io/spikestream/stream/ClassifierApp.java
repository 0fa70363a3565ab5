package io.spikestream.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.spikestream.snn.BnntModel;
import io.spikestream.stream.metrics.StreamMetrics;
import io.spikestream.stream.processor.UnwritableInputs;
import io.spikestream.stream.processor.UnwritableOutputHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of the stream app: Kafka Streams with the classifier topology, its metrics bound
 * to the given registry. More instances with the same application id share the partitions. A failed
 * stream thread is replaced and counted ({@link #threadFailures()}). Each instance is a static member of
 * the consumer group ({@link #instanceId}) and {@link #close()} removes it from the group, so that the
 * other instances take over its partitions at once rather than after the session timeout.
 */
public final class ClassifierApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifierApp.class);

    /** How long {@link #close()} waits for the last commit and the group leave. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final ThreadFailures failures;
    private final AtomicBoolean hasRun;
    private final StateDirectoryLock lock;
    private volatile boolean closed;

    private ClassifierApp(KafkaStreams streams, KafkaStreamsMetrics streamsMetrics, ThreadFailures failures,
                          AtomicBoolean hasRun, StateDirectoryLock lock) {
        this.lock = lock;
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.failures = failures;
        this.hasRun = hasRun;
    }

    /** Stream thread failures: how many, and when the last one was (System.nanoTime()). */
    private static final class ThreadFailures {
        final AtomicLong count = new AtomicLong();
        volatile long lastNs;
        final Counter counter;

        ThreadFailures(MeterRegistry registry) {
            counter = Counter.builder("spikestream.stream.thread.failures")
                    .description("Stream threads that failed and were replaced").register(registry);
        }

        void failed() {
            lastNs = System.nanoTime();
            count.incrementAndGet();
            counter.increment();
        }
    }

    /**
     * Builds the topology, binds the metrics and starts processing (returns without waiting for RUNNING).
     *
     * @throws IllegalStateException when another instance of the application uses the same state directory
     */
    public static ClassifierApp start(AppConfig config, BnntModel model, MeterRegistry registry) {
        Properties props = config.streamsProperties();
        Path stateDir = Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG, DEFAULT_STATE_DIR.toString()));
        StateDirectoryLock lock = StateDirectoryLock.acquire(stateDir, config.applicationId());
        if (!props.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
                && !props.containsKey(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
                && !props.containsKey(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))) {
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                    instanceId(stateDir, config.applicationId()));
        }
        try {
            return start(config, model, registry, props, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * This instance's static group membership id: the host and a hash of the state directory, unique
     * because the state directory is locked. Static membership is what lets {@link #close()} leave the
     * group (Kafka Streams removes only static members on close), and it lets a restarted instance take
     * its partitions back without a rebalance when it returns within the session timeout.
     */
    static String instanceId(Path stateDir, String applicationId) {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((stateDir.toAbsolutePath().normalize() + "\n"
                    + applicationId).getBytes(StandardCharsets.UTF_8));
            return "spikestream-" + host + "-" + HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kafka Streams' own default state directory. */
    static final Path DEFAULT_STATE_DIR = Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams");

    private static ClassifierApp start(AppConfig config, BnntModel model, MeterRegistry registry, Properties props,
                                       StateDirectoryLock lock) {
        StreamMetrics metrics = new StreamMetrics(registry);
        UnwritableInputs unwritable = new UnwritableInputs();
        if (!props.containsKey(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG)) {
            UnwritableOutputHandler.install(props, unwritable, metrics);
        }
        KafkaStreams streams = new KafkaStreams(ClassifierTopology.buildTopology(config, model, metrics, unwritable),
                props);
        ThreadFailures failures = new ThreadFailures(registry);
        // an exception escaping a task is a bug, not bad input (that goes to the dead letters): replace
        // the thread, whose task restarts from the last committed state
        streams.setUncaughtExceptionHandler(e -> {
            failures.failed();
            LOG.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        AtomicBoolean hasRun = new AtomicBoolean();
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                hasRun.set(true);
            }
        });
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(registry);
        LOG.info("starting {} with model {}", config, model.modelId());
        streams.start();
        return new ClassifierApp(streams, binder, failures, hasRun, lock);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Has run, is running or rebalancing, not closed, and no stream thread failed in the last
     * {@code window} (the broker's reachability is the health check's, see {@code HealthCheck}).
     */
    public boolean healthy(Duration window) {
        KafkaStreams.State s = streams.state();
        return !closed && hasRun.get() && (s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING)
                && !failedWithin(window);
    }

    /** True once Kafka Streams has reached RUNNING (joined its group and restored its state) at least once. */
    public boolean hasRun() {
        return hasRun.get();
    }

    /** As {@link #healthy(Duration)} over the last minute. */
    public boolean healthy() {
        return healthy(Duration.ofMinutes(1));
    }

    /** Stream threads that failed (and were replaced) since start. */
    public long threadFailures() {
        return failures.count.get();
    }

    /** True when a stream thread failed within the last {@code window}. */
    public boolean failedWithin(Duration window) {
        return failures.count.get() > 0 && System.nanoTime() - failures.lastNs < window.toNanos();
    }

    public boolean closed() {
        return closed;
    }

    /** Waits until the app runs (all tasks assigned and restored) or {@code timeout} passes. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING || s == KafkaStreams.State.PENDING_SHUTDOWN) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Commits, leaves the consumer group and stops (graceful: the last transaction commits, local state is
     * checkpointed, and the group rebalances this instance's partitions to the others at once).
     */
    @Override
    public void close() {
        close(CLOSE_TIMEOUT);
    }

    /** As {@link #close()}, waiting at most {@code timeout} for the commit and the group leave. */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        boolean done = streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(timeout));
        LOG.info("stream app {} in {} ms", done ? "closed and left its group" : "did not close within " + timeout,
                (System.nanoTime() - t0) / 1_000_000);
        streamsMetrics.close();
        lock.close();
    }
}
