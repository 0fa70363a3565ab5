package io.spikestream.stream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.dataset.Sample;
import io.spikestream.events.io.Recordings;
import io.spikestream.events.testing.SharedData;
import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.stream.AppConfig;
import io.spikestream.stream.ClassifierApp;
import io.spikestream.stream.ClassifierTopology;
import io.spikestream.stream.testing.OfflineReference;
import io.spikestream.stream.testing.Samples;
import io.spikestream.stream.testing.TestModels;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.ClassificationMapper;
import io.spikestream.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real N-MNIST recordings replayed as camera streams onto the embedded broker: one classification
 * per sample, with the label, and the prediction, scores and steps that the offline path gives.
 */
class ReplayedRecordingsTest {

    /** Runs the whole check against any broker (the embedded one here, a container in ContainerBrokerTest). */
    static void classifyRecordings(String bootstrap, Topics topics, Path stateDir) throws Exception {
        Dataset data = Dataset.open(SharedData.require("data/nmnist-small/Train"), DatasetKind.NMNIST);
        FramingSpec framing = FramingSpec.timeWindow(SensorGeometry.NMNIST, 10_000, 34, 34, CountMode.BINARY, 1);
        BnntModel model = TestModels.model(framing, 8, 3).withEarlyExit(EarlyExitSettings.confidence(0.3f));
        // model() names 4 classes; N-MNIST labels 0..9 only travel along as labels here
        AppConfig config = AppConfig.defaults(bootstrap).withApplicationId("recordings-" + System.nanoTime())
                .withStateDir(stateDir).withIdleGrace(Duration.ofMinutes(10))
                .withKafkaProperties(Map.of("commit.interval.ms", "100"));

        Map<String, OfflineReference.Expected> expected = new HashMap<>();
        Map<String, Integer> labels = new HashMap<>();
        List<EventPacket> packets = new ArrayList<>();
        long[] seq = new long[3];
        int k = 0;
        for (Sample s : data.samples()) {
            if (k >= 12) {
                break;
            }
            if (data.samples().indexOf(s) % 40 != 0) {
                continue; // a spread over the classes
            }
            EventBatch events = Recordings.readAll(s.path());
            String camera = "cam" + (k % 3);
            expected.put(s.id(), OfflineReference.decide(model, ClassifierTopology.engine(config, model),
                    ClassifierTopology.exitPolicy(config, model), events));
            labels.put(s.id(), s.label());
            List<EventPacket> ps = Samples.packets(camera, seq[k % 3], s.id(), s.label(), events, 250, 0);
            seq[k % 3] += ps.size();
            packets.addAll(ps);
            k++;
        }
        assertThat(expected).hasSize(12);
        Harness.produce(bootstrap, topics.events(), packets);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<Classification> got = new ArrayList<>();
        try (ClassifierApp app = ClassifierApp.start(config.withTopics(topics), model, registry);
             KafkaConsumer<DecisionKey, Classification> reader = Harness.committedReader(bootstrap, topics.classifications(),
                     "check-" + System.nanoTime())) {
            Harness.read(reader, got, expected.size(), Duration.ofSeconds(90), Duration.ofSeconds(1));
            assertThat(app.healthy()).isTrue();
            assertThat(registry.find("kafka.stream.thread.process.total").functionCounters())
                    .as("Kafka Streams metrics are bound").isNotEmpty();
        }
        assertThat(got).extracting(Classification::getSampleId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Classification c : got) {
            OfflineReference.Expected d = expected.get(c.getSampleId());
            assertThat(c.getLabel()).isEqualTo(labels.get(c.getSampleId()));
            assertThat(c.getPredictedClass()).as(c.getSampleId()).isEqualTo(d.predicted());
            assertThat(c.getStepsUsed()).as(c.getSampleId()).isEqualTo(d.steps());
            assertThat(ClassificationMapper.fromProto(c).exit()).as(c.getSampleId()).isEqualTo(d.reason());
            assertThat(c.getEventsUsed()).isPositive();
            assertThat(c.getDecisionEventTimeUs()).isGreaterThan(c.getEpisodeStartUs());
        }
    }

    /** Topic names of their own, so that nothing depends on the defaults. */
    static Topics topics() {
        return Topics.named("nmnist-events", "nmnist-classifications", "nmnist-dlq");
    }

    @Test
    void nmnistRecordingsGetOneClassificationEachEqualToOffline(@TempDir Path tmp) throws Exception {
        SharedData.require("data/nmnist-small/Train");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Topics topics = topics();
            broker.createTopic(topics.events().name(), 3);
            broker.createTopic(topics.classifications().name(), 1);
            broker.createTopic(topics.deadLetters().name(), 1);
            classifyRecordings(broker.bootstrapServers(), topics, tmp);
        }
    }
}
