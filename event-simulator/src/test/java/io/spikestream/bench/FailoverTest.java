package io.spikestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.replay.SyntheticSamples;
import io.spikestream.snn.BnntModel;
import io.spikestream.stream.AppConfig;
import io.spikestream.stream.ClassifierApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One of two stream-app instances closes (what SIGTERM does to {@code serve}) in the middle of a bench
 * run: it leaves the consumer group, so the other takes over its partitions at once instead of after
 * the session timeout, and every sample is still classified exactly once.
 */
class FailoverTest {

    @Test
    void aClosingInstanceHandsItsPartitionsOverWithinSeconds(@TempDir Path tmp) throws Exception {
        BnntModel model = StreamFixtures.model();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            StreamFixtures.createTopics(broker, 4);
            AppConfig config = AppConfig.defaults(broker.bootstrapServers()).withApplicationId("failover")
                    .withIdleGrace(Duration.ofMinutes(1)).withKafkaProperties(Map.of("commit.interval.ms", "100"));
            try (ClassifierApp a = ClassifierApp.start(config.withStateDir(tmp.resolve("a")), model, new SimpleMeterRegistry());
                 ClassifierApp b = ClassifierApp.start(config.withStateDir(tmp.resolve("b")), model, new SimpleMeterRegistry())) {
                assertThat(a.awaitRunning(Duration.ofSeconds(60))).isTrue();
                assertThat(b.awaitRunning(Duration.ofSeconds(60))).isTrue();
                Thread.sleep(2_000); // let the group settle with both members
                CompletableFuture<BenchResult> run = StreamFixtures.runInBackground(broker.bootstrapServers(), model,
                        SyntheticSamples.uniform(40, 200_000, 400, 10, 5), 4, Duration.ofSeconds(10), Duration.ofSeconds(60));
                Thread.sleep(4_000);
                long t0 = System.nanoTime();
                b.close();
                long closeMs = (System.nanoTime() - t0) / 1_000_000;

                LoadResult l = run.get(120, TimeUnit.SECONDS).loads().get(0);
                assertThat(l.classified()).isEqualTo(l.expected()).isGreaterThan(40);
                assertThat(l.duplicates()).isZero();
                assertThat(l.missing()).isZero();
                // a decision due while the partitions moved waited for the takeover: without leaving the
                // group that is the session timeout (10 s), with it a rebalance of a second or two
                assertThat(l.latencyMs().max()).as("max decision latency, close took %d ms", closeMs)
                        .isLessThan(AppConfig.DEFAULT_SESSION_TIMEOUT_MS - 2_000);
            }
        }
    }
}
