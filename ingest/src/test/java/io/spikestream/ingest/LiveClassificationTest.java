package io.spikestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.dataset.Sample;
import io.spikestream.events.io.Aedat4Writer;
import io.spikestream.events.io.Recordings;
import io.spikestream.events.testing.SharedData;
import io.spikestream.ingest.camera.CameraTimeline;
import io.spikestream.ingest.camera.DvTcpCamera;
import io.spikestream.ingest.camera.Recording;
import io.spikestream.proto.v1.Classification;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.stream.AppConfig;
import io.spikestream.stream.ClassifierApp;
import io.spikestream.stream.ClassifierTopology;
import io.spikestream.stream.testing.OfflineReference;
import io.spikestream.topics.ClassificationMapper;
import io.spikestream.topics.Decision;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.Topic;
import io.spikestream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real N-MNIST recordings shown back to back by simulated DV cameras, through DV TCP, ingest, a real
 * broker and the stream app with the bundled N-MNIST model, are classified as the offline path
 * classifies each recording.
 *
 * <p>A live camera has no sample boundaries, so the stream app's episodes follow one another: an
 * episode starts at the first event after the previous decision. The cameras leave a gap of more
 * than T frames of event time between recordings; at the next recording's first event the open
 * episode (the rest of the previous recording, after an early exit) runs out of its T frames on the
 * gap's empty frames and decides, so every recording's first episode starts exactly at its first
 * event, as the offline eval's does. Its decision must equal the offline one: class, scores, steps
 * and exit reason.
 */
class LiveClassificationTest {
    private static final int CAMERAS = 3;
    private static final int PER_CAMERA = 4;

    @Test
    void realRecordingsStreamedLiveAreClassifiedAsTheOfflineEvalClassifiesThem(@TempDir Path state) throws Exception {
        Path data = SharedData.require("data/nmnist-small/Train");
        Path ckpt = Path.of("..", "models", "nmnist-bntt.ckpt");
        assumeTrue(Files.isRegularFile(ckpt), "skipped: " + ckpt.toAbsolutePath() + " is absent");
        BnntModel model = CheckpointCodec.read(ckpt);
        Dataset ds = Dataset.open(data, DatasetKind.NMNIST);
        List<Sample> all = ds.samples();
        Topics topics = Topics.named(Kafka.topic("live-events", CAMERAS), Kafka.topic("live-decisions", 1),
                Kafka.topic("live-dlq", 1));
        AppConfig config = AppConfig.defaults(Kafka.bootstrap()).withApplicationId("live-" + System.nanoTime())
                .withTopics(topics).withStateDir(state).withIdleGrace(Duration.ofMinutes(10))
                .withKafkaProperties(Map.of("commit.interval.ms", "100"));
        long gapUs = (model.spec().timesteps() + 2L) * model.spec().framing().windowUs();

        List<List<Recording>> perCamera = new ArrayList<>();
        Map<String, OfflineReference.Expected> offline = new HashMap<>();
        for (int c = 0; c < CAMERAS; c++) {
            List<Recording> rs = new ArrayList<>();
            for (int k = 0; k < PER_CAMERA; k++) {
                Sample s = all.get((c * PER_CAMERA + k) * (all.size() / (CAMERAS * PER_CAMERA)));
                Recording r = new Recording(s.id(), s.label(), Recordings.readAll(s.path()));
                rs.add(r);
                offline.put(r.id(), OfflineReference.decide(model, ClassifierTopology.engine(config, model),
                        ClassifierTopology.exitPolicy(config, model), r.events()));
            }
            perCamera.add(rs);
        }
        List<Shown> shown = new CopyOnWriteArrayList<>();
        List<DvTcpCamera> cams = new ArrayList<>();
        SimpleMeterRegistry appMetrics = new SimpleMeterRegistry();
        try (ClassifierApp app = ClassifierApp.start(config, model, appMetrics);
             KafkaProducer<String, byte[]> producer = Kafka.producer(Map.of())) {
            IngestConfig.Builder ic = Runs.config(topics.events().name());
            for (int c = 0; c < CAMERAS; c++) {
                String camera = "cam-" + c;
                // a camera clock in µs since the epoch, as DV's; four times real time keeps the test short
                DvTcpCamera cam = DvTcpCamera.start("127.0.0.1", 0, new CameraTimeline(perCamera.get(c),
                        1_700_000_000_000_000L + c * 1_000_000_000L, gapUs, false),
                        new DvTcpCamera.Options(4.0, 1000, Aedat4Writer.Compression.LZ4, "N-MNIST_" + c),
                        s -> shown.add(new Shown(camera, s)));
                cams.add(cam);
                ic.source(SourceConfig.parse(cam.uri() + "?camera=" + camera, SourceConfig.Defaults.NONE));
            }
            Ingest ingest = Ingest.start(ic.build(), producer, IngestListener.NONE, new SimpleMeterRegistry());
            List<Decision> got;
            try {
                for (DvTcpCamera cam : cams) {
                    assertThat(cam.awaitDone(60, TimeUnit.SECONDS)).isTrue();
                }
                long expected = shown.stream().filter(s -> offline.get(s.shown.recording().id()).reason() != ExitDecision.END_OF_SAMPLE).count();
                got = decisions(topics.classifications(), shown, expected, Duration.ofSeconds(90));
            } finally {
                ingest.stop();
                cams.forEach(DvTcpCamera::close);
            }
            assertThat(shown).hasSize(CAMERAS * PER_CAMERA);
            assertThat(ingest.sources()).allSatisfy(s -> assertThat(s.droppedEvents() + s.lateEvents() + s.clampedEvents()).isZero());
            int compared = 0;
            for (Shown s : shown) {
                OfflineReference.Expected d = offline.get(s.shown.recording().id());
                List<Decision> first = got.stream().filter(c -> c.cameraId().equals(s.camera)
                        && c.episodeStartUs() == s.shown.startUs()).toList();
                if (d.reason() == ExitDecision.END_OF_SAMPLE) {
                    continue; // live, the recording's end is no decision: its episode decides on the gap's empty frames
                }
                assertThat(first).as("the decision on %s", s.shown.recording().id()).hasSize(1);
                Decision c = first.get(0);
                assertThat(c.predictedClass()).as(s.shown.recording().id()).isEqualTo(d.predicted());
                assertThat(c.stepsUsed()).as(s.shown.recording().id()).isEqualTo(d.steps());
                assertThat(c.exit()).as(s.shown.recording().id()).isEqualTo(d.reason());
                float[] scores = new float[c.scores().size()];
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = c.scores().get(i);
                }
                assertThat(scores).containsExactly(d.scores());
                assertThat(c.label()).as("a live camera sends no labels").isEmpty();
                compared++;
            }
            assertThat(compared).isGreaterThanOrEqualTo(CAMERAS * PER_CAMERA / 2);
            // the other decisions are of the rest of a recording after an early exit: inside what was shown
            assertThat(got).allSatisfy(c -> assertThat(shown).anySatisfy(s -> {
                assertThat(s.camera).isEqualTo(c.cameraId());
                assertThat(c.episodeStartUs()).isBetween(s.shown.startUs(), s.shown.endUs());
            }));
            assertThat(appMetrics.get("spikestream.dead.letters").counters()).allSatisfy(k -> assertThat(k.count()).isZero());
            assertThat(app.healthy()).isTrue();
        }
    }

    record Shown(String camera, CameraTimeline.Shown shown) {
    }

    /** Reads decisions (read_committed) until each expected recording's first episode has one, or the timeout. */
    private static List<Decision> decisions(Topic<DecisionKey, Classification> topic, List<Shown> shown, long expected,
                                            Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "decisions-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Decision> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<DecisionKey, Classification> c = new KafkaConsumer<>(p, topic.keyDeserializer(),
                topic.valueDeserializer())) {
            c.subscribe(List.of(topic.name()));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<DecisionKey, Classification> r : c.poll(Duration.ofMillis(100))) {
                    got.add(ClassificationMapper.fromProto(r.value()));
                }
                long firsts = shown.stream().filter(s -> got.stream().anyMatch(d -> d.cameraId().equals(s.camera)
                        && d.episodeStartUs() == s.shown.startUs())).count();
                if (firsts >= expected) {
                    return got;
                }
            }
        }
        return got;
    }
}
