package io.spikestream.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.spikestream.snn.BnntModel;
import io.spikestream.stream.metrics.StreamMetrics;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of the stream app: Kafka Streams with the classifier topology, its metrics bound
 * to the given registry. More instances with the same application id share the partitions.
 */
public final class ClassifierApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifierApp.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private volatile boolean closed;

    private ClassifierApp(KafkaStreams streams, KafkaStreamsMetrics streamsMetrics) {
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
    }

    /** Builds the topology, binds the metrics and starts processing (returns without waiting for RUNNING). */
    public static ClassifierApp start(AppConfig config, BnntModel model, MeterRegistry registry) {
        StreamMetrics metrics = new StreamMetrics(registry);
        KafkaStreams streams = new KafkaStreams(ClassifierTopology.buildTopology(config, model, metrics),
                config.streamsProperties());
        // an exception escaping a task is a bug, not bad input (that goes to the dead letters): replace
        // the thread, whose task restarts from the last committed state
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(registry);
        LOG.info("starting {} with model {}", config, model.modelId());
        streams.start();
        return new ClassifierApp(streams, binder);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Running or rebalancing: what the health check reports as up. */
    public boolean healthy() {
        KafkaStreams.State s = streams.state();
        return !closed && (s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING
                || s == KafkaStreams.State.CREATED);
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

    /** Commits and stops (graceful: the last transaction commits, local state is checkpointed). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
    }
}
