package io.spikestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.replay.SyntheticSamples;
import io.spikestream.snn.BnntModel;
import io.spikestream.stream.ClassifierServer;
import io.spikestream.stream.config.ServeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker (on a kept data directory) is stopped and started again in the middle of a bench run
 * against the stream app that {@code serve} runs: the app and the bench reconnect, every replayed
 * sample is classified exactly once, and the app is ready again afterwards.
 */
class BrokerRestartTest {

    @Test
    void serveAndBenchSurviveABrokerRestart(@TempDir Path tmp) throws Exception {
        BnntModel model = StreamFixtures.model();
        Path data = tmp.resolve("broker");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, 0, Map.of());
        try {
            String bootstrap = broker.bootstrapServers();
            StreamFixtures.createTopics(broker, 2);
            Map<String, String> flags = Map.of("bootstrap.servers", bootstrap, "model", "unused.ckpt",
                    "state.dir", tmp.resolve("state").toString(), "metrics.port", "-1", "idle.grace.ms", "60000",
                    "kafka.commit.interval.ms", "100");
            try (ClassifierServer server = ClassifierServer.start(ServeSettings.resolve(new Properties(), Map.of(), flags),
                    model)) {
                awaitReady(server, Duration.ofSeconds(60));
                CompletableFuture<BenchResult> run = StreamFixtures.runInBackground(bootstrap, model,
                        SyntheticSamples.uniform(40, 200_000, 400, 10, 4), 2, Duration.ofSeconds(10), Duration.ofSeconds(60));
                Thread.sleep(3_000);
                broker.close();
                Thread.sleep(1_000);
                broker = EmbeddedKafkaBroker.start(data, 0, Map.of());
                assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);

                LoadResult l = run.get(120, TimeUnit.SECONDS).loads().get(0);
                assertThat(l.expected()).isGreaterThan(20);
                assertThat(l.classified()).isEqualTo(l.expected());
                assertThat(l.duplicates()).isZero();
                assertThat(l.missing()).isZero();
                awaitReady(server, Duration.ofSeconds(30));
                server.checkRunning();
            }
        } finally {
            broker.close();
        }
    }

    static void awaitReady(ClassifierServer server, Duration timeout) throws InterruptedException {
        long by = System.nanoTime() + timeout.toNanos();
        while (!server.health().ready() && System.nanoTime() < by) {
            Thread.sleep(100);
        }
        assertThat(server.health().ready()).as("%s", server.health()).isTrue();
    }
}
