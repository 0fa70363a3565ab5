package io.spikestream.bench;

import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.events.SensorGeometry;
import io.spikestream.replay.ProducerSettings;
import io.spikestream.replay.ReplayConfig;
import io.spikestream.replay.SampleSource;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.InputShape;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/** A small N-MNIST-shaped model, the pipeline's topics and a bench run in the background, for the bench's stream-app tests. */
final class StreamFixtures {
    static final int T = 5;
    static final List<String> CLASSES = IntStream.range(0, 10).mapToObj(Integer::toString).toList();

    private StreamFixtures() {
    }

    static BnntModel model() {
        FramingSpec framing = FramingSpec.timeWindow(SensorGeometry.NMNIST, 20_000, 34, 34, CountMode.BINARY, 1);
        ModelSpec spec = ModelSpec.of("c4-p2-f16", new InputShape(2, 34, 34), T, framing, CLASSES);
        return BnntModel.of(spec, BnntParams.init(spec, 3)).withEarlyExit(EarlyExitSettings.confidence(0.102f));
    }

    static void createTopics(EmbeddedKafkaBroker broker, int partitions) {
        Topics topics = Topics.defaults();
        broker.createTopic(topics.events().name(), partitions);
        broker.createTopic(topics.classifications().name(), partitions);
        broker.createTopic(topics.deadLetters().name(), 1);
    }

    /** Starts one load of {@code cameras} real-time cameras for {@code duration} against a running app. */
    static CompletableFuture<BenchResult> runInBackground(String bootstrap, BnntModel model, SampleSource source,
                                                         int cameras, Duration duration, Duration drainTimeout) {
        ReplayConfig replay = ReplayConfig.builder().duration(duration).seed(2).cameraPrefix("r").build();
        BenchConfig config = BenchConfig.builder(source, new ModelInfo(model.modelId(), CLASSES, T, Map.of()))
                .replay(replay).producer(ProducerSettings.defaults(bootstrap)).loads(List.of(cameras))
                .warmup(Duration.ZERO).drainTimeout(drainTimeout).partitions(4).build();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return LatencyBench.run(config, BenchListener.NONE);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
