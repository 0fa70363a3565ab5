package io.spikestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.testing.SharedData;
import io.spikestream.replay.ProducerSettings;
import io.spikestream.replay.RecordingSource;
import io.spikestream.replay.ReplayConfig;
import io.spikestream.replay.SampleRef;
import io.spikestream.replay.SampleSource;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.InputShape;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.snn.exit.ExitPolicy;
import io.spikestream.snn.exit.OfflineDecider;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.Framer;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.snn.inference.Session;
import io.spikestream.snn.inference.SparseEngine;
import io.spikestream.stream.AppConfig;
import io.spikestream.stream.ClassifierApp;
import io.spikestream.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench against the real stream app on the embedded broker, over real N-MNIST recordings:
 * every replayed sample is classified exactly once, and the accuracy and mean steps the bench
 * reports equal an offline evaluation of the same model over the same frames (snn's Framer and
 * engine, the checkpoint's exit rule). Until a trained checkpoint exists the model is BnntParams.init.
 */
class StreamAppBenchTest {
    private static final int T = 6;

    @Test
    void realStreamAppClassifiesEverySampleOnceWithTheOfflineAccuracy(@TempDir Path state) throws Exception {
        RecordingSource all = RecordingSource.open(SharedData.require("data/nmnist-small"), DatasetKind.AUTO);
        // four recordings of each digit: 40 samples
        Map<SampleRef, EventBatch> chosen = new LinkedHashMap<>();
        Map<Integer, Integer> perClass = new LinkedHashMap<>();
        for (SampleRef s : all.samples()) {
            if (perClass.merge(s.label(), 1, Integer::sum) <= 4) {
                chosen.put(s, all.load(s));
            }
        }
        SampleSource source = SampleSource.of(chosen);
        List<String> classes = IntStream.range(0, 10).mapToObj(Integer::toString).toList();
        FramingSpec framing = FramingSpec.timeWindow(SensorGeometry.NMNIST, 10_000, 34, 34, CountMode.BINARY, 1);
        ModelSpec spec = ModelSpec.of("c8-p2-f32", new InputShape(2, 34, 34), T, framing, classes);
        // a confidence threshold that some episodes reach early, so exits before T are exercised too
        BnntModel model = BnntModel.of(spec, BnntParams.init(spec, 7))
                .withEarlyExit(EarlyExitSettings.confidence(0.102f));

        Offline offline = offline(model, source);
        assertThat(offline.steps).as("exits before T happen").isLessThan(40L * T);

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Topics topics = Topics.defaults();
            broker.createTopic(topics.events().name(), 2, Topics.APPEND_TIME);
            broker.createTopic(topics.classifications().name(), 2, Topics.APPEND_TIME);
            broker.createTopic(topics.deadLetters().name(), 1);
            AppConfig app = AppConfig.defaults(broker.bootstrapServers()).withStateDir(state);
            try (ClassifierApp classifier = ClassifierApp.start(app, model, new SimpleMeterRegistry())) {
                assertThat(classifier.awaitRunning(Duration.ofSeconds(60))).isTrue();
                ReplayConfig replay = ReplayConfig.builder().speed(2.0).splitSamples(true).seed(5).cameraPrefix("x")
                        .build();
                BenchConfig config = BenchConfig.builder(source, new ModelInfo(model.modelId(), classes, T, Map.of()))
                        .replay(replay).producer(ProducerSettings.defaults(broker.bootstrapServers())).loads(List.of(2))
                        .warmup(Duration.ZERO).partitions(2)
                        .offline(new OfflineCheck(new OfflineDecider(framing, T, new SparseEngine(model),
                                ExitPolicy.fromModel(model))))
                        .build();
                BenchResult r = LatencyBench.run(config, BenchListener.NONE);
                LoadResult l = r.loads().get(0);
                assertThat(l.expected()).isEqualTo(40);
                assertThat(l.classified()).isEqualTo(40);
                assertThat(l.duplicates()).isZero();
                assertThat(l.missing()).isZero();
                assertThat(l.unexpected()).isZero();
                assertThat(l.correct()).isEqualTo(offline.correct);
                assertThat(l.accuracy()).isEqualTo(offline.correct / 40.0);
                assertThat(l.stepsSum()).isEqualTo(offline.steps);
                assertThat(l.exitReasons()).doesNotContainKey(ExitDecision.CONTINUE);
                assertThat(l.latencyMs().count()).isEqualTo(40);
                assertThat(l.latencyMs().p50()).isPositive();
                assertThat(l.latencyMs().p99()).isPositive();
                assertThat(l.sensorMs().p50()).isPositive();
                // every decision is the offline path's, score for score, and every stage was timed
                assertThat(l.offline().checked()).isEqualTo(40);
                assertThat(l.offline().identical()).isEqualTo(40);
                assertThat(l.offline().accuracy()).isEqualTo(l.accuracy());
                assertThat(l.offline().meanSteps()).isEqualTo(l.meanSteps());
                assertThat(l.stagesComplete()).isEqualTo(40);
                assertThat(r.ok()).isTrue();
            }
        }
    }

    private record Offline(long correct, long steps) {
    }

    /** The same model over the same frames, outside Kafka. */
    private static Offline offline(BnntModel model, SampleSource source) {
        SparseEngine engine = new SparseEngine(model);
        ExitPolicy policy = ExitPolicy.fromModel(model);
        long correct = 0;
        long steps = 0;
        List<SampleRef> refs = new ArrayList<>(source.samples());
        for (SampleRef s : refs) {
            float[][] frames = Framer.frames(source.load(s), model.spec().framing(), T);
            Session session = engine.newSession();
            float[] scores = null;
            int used = 0;
            for (int t = 0; t < T; t++) {
                scores = session.step(frames[t]);
                used = t + 1;
                if (policy.check(scores, used).stops()) {
                    break;
                }
            }
            int best = 0;
            for (int c = 1; c < scores.length; c++) {
                if (scores[c] > scores[best]) {
                    best = c;
                }
            }
            correct += best == s.label() ? 1 : 0;
            steps += used;
        }
        return new Offline(correct, steps);
    }
}
