package io.spikestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.events.SensorGeometry;
import io.spikestream.replay.ProducerSettings;
import io.spikestream.replay.ReplayConfig;
import io.spikestream.replay.SampleSource;
import io.spikestream.replay.SyntheticSamples;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.InputShape;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.stream.ClassifierServer;
import io.spikestream.stream.config.ServeSettings;
import io.spikestream.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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
        SampleSource source = SyntheticSamples.uniform(40, 200_000, 400, 10, 4);
        List<String> classes = IntStream.range(0, 10).mapToObj(Integer::toString).toList();
        FramingSpec framing = FramingSpec.timeWindow(SensorGeometry.NMNIST, 20_000, 34, 34, CountMode.BINARY, 1);
        ModelSpec spec = ModelSpec.of("c4-p2-f16", new InputShape(2, 34, 34), 5, framing, classes);
        BnntModel model = BnntModel.of(spec, BnntParams.init(spec, 3)).withEarlyExit(EarlyExitSettings.confidence(0.102f));
        Path data = tmp.resolve("broker");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, 0, Map.of());
        try {
            String bootstrap = broker.bootstrapServers();
            Topics topics = Topics.defaults();
            broker.createTopic(topics.events().name(), 2);
            broker.createTopic(topics.classifications().name(), 2);
            broker.createTopic(topics.deadLetters().name(), 1);
            Map<String, String> flags = Map.of("bootstrap.servers", bootstrap, "model", "unused.ckpt",
                    "state.dir", tmp.resolve("state").toString(), "metrics.port", "-1", "idle.grace.ms", "60000",
                    "kafka.commit.interval.ms", "100");
            try (ClassifierServer server = ClassifierServer.start(ServeSettings.resolve(new Properties(), Map.of(), flags),
                    model)) {
                long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!server.health().ready() && System.nanoTime() < readyBy) {
                    Thread.sleep(100);
                }
                assertThat(server.health().ready()).as("%s", server.health()).isTrue();
                ReplayConfig replay = ReplayConfig.builder().duration(Duration.ofSeconds(10)).seed(2).cameraPrefix("r")
                        .build();
                BenchConfig config = BenchConfig.builder(source, new ModelInfo(model.modelId(), classes, 5, Map.of()))
                        .replay(replay).producer(ProducerSettings.defaults(bootstrap)).loads(List.of(2))
                        .warmup(Duration.ZERO).drainTimeout(Duration.ofSeconds(60)).partitions(2).build();
                CompletableFuture<BenchResult> run = CompletableFuture.supplyAsync(() -> {
                    try {
                        return LatencyBench.run(config, BenchListener.NONE);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
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
                long readyAgainBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!server.health().ready() && System.nanoTime() < readyAgainBy) {
                    Thread.sleep(100);
                }
                assertThat(server.health().ready()).as("%s", server.health()).isTrue();
                server.checkRunning();
            }
        } finally {
            broker.close();
        }
    }
}
