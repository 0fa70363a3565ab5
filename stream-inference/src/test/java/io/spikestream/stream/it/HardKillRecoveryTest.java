package io.spikestream.stream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.events.EventBatch;
import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.stream.AppConfig;
import io.spikestream.stream.ClassifierApp;
import io.spikestream.stream.ClassifierTopology;
import io.spikestream.stream.testing.OfflineReference;
import io.spikestream.stream.testing.Samples;
import io.spikestream.stream.testing.TestModels;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.ClassificationMapper;
import io.spikestream.topics.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a hard kill: the app runs in a child JVM, is killed with SIGKILL in the middle
 * of episodes (after some of their frames were committed), and a new instance with the same application
 * id carries on. Every sample gets exactly one classification (read_committed), equal to the offline result.
 */
class HardKillRecoveryTest {
    static final Topics TOPICS = Topics.defaults();

    /** The config both children use: a long idle grace (wall clock must not change results), fast failover. */
    static AppConfig config(String bootstrap, String applicationId, Path stateDir) {
        Map<String, String> kafka = new HashMap<>();
        kafka.put("commit.interval.ms", "100");
        // static membership: the restarted instance takes over its partitions without waiting for the
        // killed member's session to expire
        kafka.put("main.consumer.group.instance.id", applicationId + "-instance");
        kafka.put("main.consumer.session.timeout.ms", "10000");
        kafka.put("producer.transaction.timeout.ms", "10000");
        return AppConfig.defaults(bootstrap).withApplicationId(applicationId).withStateDir(stateDir)
                .withIdleGrace(Duration.ofMinutes(10)).withKafkaProperties(kafka);
    }

    @Test
    void aKilledInstanceLosesAndDuplicatesNothing(@TempDir Path tmp) throws Exception {
        BnntModel written = TestModels.tiny().withEarlyExit(EarlyExitSettings.confidence(0.3f));
        Path ckpt = tmp.resolve("tiny.ckpt");
        CheckpointCodec.write(ckpt, written);
        BnntModel model = CheckpointCodec.read(ckpt);
        AppConfig probe = AppConfig.defaults("x");

        Map<String, OfflineReference.Expected> expected = new HashMap<>();
        List<List<EventPacket>> perCamera = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            List<EventPacket> packets = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                EventBatch sample = Samples.random(TestModels.SENSOR, 150 + 60 * s, 0, 2_000 + 1_500 * s, 100L * c + s);
                String id = "cam" + c + "/s" + s;
                expected.put(id, OfflineReference.decide(model, ClassifierTopology.engine(probe, model),
                        ClassifierTopology.exitPolicy(probe, model), sample));
                packets.addAll(Samples.packets("cam" + c, packets.size(), id, s, sample, 15, 0));
            }
            perCamera.add(packets);
        }
        List<EventPacket> all = new ArrayList<>();
        for (int i = 0; all.size() < perCamera.stream().mapToInt(List::size).sum(); i++) {
            for (List<EventPacket> ps : perCamera) {
                if (i < ps.size()) {
                    all.add(ps.get(i));
                }
            }
        }
        int cut = all.size() / 2;
        while (all.get(cut - 1).getReplay().getEndOfSample()) {
            cut++; // stop in the middle of an episode
        }

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopic(TOPICS.events().name(), 2);
            broker.createTopic(TOPICS.classifications().name(), 1);
            broker.createTopic(TOPICS.deadLetters().name(), 1);
            Path stateDir = tmp.resolve("state");
            List<Classification> got = new ArrayList<>();
            try (KafkaConsumer<DecisionKey, Classification> reader = Harness.committedReader(broker.bootstrapServers(),
                    TOPICS.classifications(), "checker")) {
                Process first = child(broker.bootstrapServers(), ckpt, stateDir, tmp.resolve("first.log"));
                try {
                    // a second instance on the same state directory is refused while the first runs
                    assertThatThrownBy(() -> ClassifierApp.start(config(broker.bootstrapServers(), "hard-kill-test",
                            stateDir), model, new SimpleMeterRegistry()))
                            .hasMessageContaining("in use by another instance").hasMessageContaining("process " + first.pid());
                    Harness.produce(broker.bootstrapServers(), TOPICS.events(), all.subList(0, cut));
                    Harness.read(reader, got, 1, Duration.ofSeconds(60), Duration.ofMillis(1500));
                    assertThat(got).as("classifications before the kill").isNotEmpty();
                } finally {
                    first.toHandle().destroyForcibly(); // SIGKILL: no commit, no close
                    first.waitFor(30, TimeUnit.SECONDS);
                }
                Harness.produce(broker.bootstrapServers(), TOPICS.events(), all.subList(cut, all.size()));
                Process second = child(broker.bootstrapServers(), ckpt, stateDir, tmp.resolve("second.log"));
                String report;
                try {
                    Harness.read(reader, got, expected.size(), Duration.ofSeconds(90), Duration.ofSeconds(3));
                } finally {
                    second.toHandle().destroy(); // SIGTERM, keeping our end of its stdout open
                    report = OUTPUTS.get(second).readLine();
                    second.waitFor(30, TimeUnit.SECONDS);
                }
                // the second instance found episodes in the middle and recomputed their membranes
                assertThat(report).startsWith("REPLAYS ");
                assertThat(Double.parseDouble(report.substring("REPLAYS ".length()))).isPositive();
            }
            assertThat(got).extracting(Classification::getSampleId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (Classification c : got) {
                OfflineReference.Expected d = expected.get(c.getSampleId());
                assertThat(c.getStepsUsed()).as(c.getSampleId()).isEqualTo(d.steps());
                assertThat(ClassificationMapper.fromProto(c).exit()).as(c.getSampleId()).isEqualTo(d.reason());
                assertThat(c.getPredictedClass()).as(c.getSampleId()).isEqualTo(d.predicted());
                assertThat(c.getScoresList()).as(c.getSampleId()).containsExactly(boxed(d.scores()));
                assertThat(c.getEpisode()).isEqualTo(Long.parseLong(c.getSampleId().substring(c.getSampleId().length() - 1)));
            }
        }
    }

    private static Float[] boxed(float[] a) {
        Float[] b = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    private static final Map<Process, BufferedReader> OUTPUTS = new HashMap<>();

    private static Process child(String bootstrap, Path ckpt, Path stateDir, Path log) throws IOException, InterruptedException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp, ChildApp.class.getName(), bootstrap, ckpt.toString(),
                "hard-kill-test", stateDir.toString());
        pb.redirectError(log.toFile());
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"RUNNING".equals(line)) {
            p.destroyForcibly();
            throw new AssertionError("child app did not start (" + line + "): " + Files.readString(log));
        }
        OUTPUTS.put(p, out);
        return p;
    }

}
