package io.spikestream.app.serve;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.snn.BnntModel;
import io.spikestream.stream.AppConfig;
import io.spikestream.stream.ClassifierApp;
import io.spikestream.topics.Guarantee;
import io.spikestream.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * An in-process broker plus the stream app classifying its input topic: what {@code bench
 * --embedded} and {@code demo} measure against. Topics are created with {@code partitions}
 * partitions, events and classifications with the broker's append time as record timestamps (for the
 * latency breakdown); the app's state lives in a temporary folder removed on close.
 */
public final class EmbeddedPipeline implements AutoCloseable {
    private final EmbeddedKafkaBroker broker;
    private final ClassifierApp app;
    private final Path stateDir;

    private EmbeddedPipeline(EmbeddedKafkaBroker broker, ClassifierApp app, Path stateDir) {
        this.broker = broker;
        this.app = app;
        this.stateDir = stateDir;
    }

    /**
     * Starts the broker and the app: {@code threads} stream threads on the default {@link Topics} with the
     * given guarantee, and {@code kafkaProperties} (e.g. {@code commit.interval.ms}) over its defaults.
     */
    public static EmbeddedPipeline start(BnntModel model, int partitions, int threads, Guarantee guarantee,
                                         Map<String, String> kafkaProperties) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        Path state = null;
        try {
            Topics topics = Topics.defaults();
            broker.createTopic(topics.events().name(), partitions, Topics.APPEND_TIME);
            broker.createTopic(topics.classifications().name(), partitions, Topics.APPEND_TIME);
            broker.createTopic(topics.deadLetters().name(), 1);
            state = Files.createTempDirectory("spikestream-bench-state-");
            AppConfig config = AppConfig.defaults(broker.bootstrapServers())
                    .withApplicationId("spikestream-bench-" + UUID.randomUUID().toString().substring(0, 8))
                    .withThreads(threads)
                    .withStateDir(state)
                    .withGuarantee(guarantee)
                    .withKafkaProperties(kafkaProperties);
            ClassifierApp app = ClassifierApp.start(config, model, new SimpleMeterRegistry());
            try {
                // a run's warm-up should not be spent on the app's first rebalance
                if (!app.awaitRunning(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the embedded stream app did not reach RUNNING in 60 s (state "
                            + app.state() + ")");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                app.close();
                throw new IllegalStateException("interrupted while starting the stream app", e);
            } catch (RuntimeException e) {
                app.close();
                throw e;
            }
            return new EmbeddedPipeline(broker, app, state);
        } catch (IOException e) {
            broker.close();
            throw new UncheckedIOException("cannot create the stream app's state folder: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            broker.close();
            delete(state);
            throw e;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            broker.close();
            delete(stateDir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }
}
