package io.spikestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikestream.bench.report.Report;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.replay.ProducerSettings;
import io.spikestream.replay.ReplayConfig;
import io.spikestream.replay.SampleSource;
import io.spikestream.replay.SyntheticSamples;
import io.spikestream.replay.WallClock;
import io.spikestream.topics.Guarantee;
import io.spikestream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench against a real (embedded) broker and a stand-in classifier whose decisions are known,
 * so the bench's own bookkeeping — joining, exactly-once counts, accuracy, latency, report — is
 * checked independently of the stream app.
 */
class LatencyBenchTest {
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopic(Topics.DEFAULT_EVENTS, 2, Topics.APPEND_TIME);
        broker.createTopic(Topics.DEFAULT_CLASSIFICATIONS, 2, Topics.APPEND_TIME);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static BenchConfig config(SampleSource source, ReplayConfig replay, List<Integer> loads, Duration warmup) {
        return builder(source, replay, loads, warmup).build();
    }

    private static BenchConfig.Builder builder(SampleSource source, ReplayConfig replay, List<Integer> loads,
                                               Duration warmup) {
        return BenchConfig.builder(source, new ModelInfo("fake", List.of("a", "b", "c", "d"), 4, Map.of())).replay(replay)
                .producer(ProducerSettings.defaults(broker.bootstrapServers())).loads(loads).warmup(warmup)
                .drainTimeout(Duration.ofSeconds(20)).partitions(2).configuration(Map.of("test", true));
    }

    @Test
    void everySampleIsClassifiedOnceAndTheReportHasItAll(@TempDir Path dir) throws Exception {
        SampleSource source = SyntheticSamples.uniform(24, 60_000, 200, 4, 9);
        ReplayConfig replay = ReplayConfig.builder().speed(4.0).splitSamples(true).seed(3).cameraPrefix("x").build();
        try (FakeClassifier fake = new FakeClassifier(broker.bootstrapServers(), 4, 4)) {
            // with a warm-up phase per load, whose samples must not be counted or timed
            BenchResult r = LatencyBench.run(config(source, replay, List.of(1, 3), Duration.ofMillis(300)),
                    BenchListener.NONE);
            assertThat(r.loads()).hasSize(2);
            for (LoadResult l : r.loads()) {
                // split samples: each load replays the 24 samples exactly once over its cameras
                assertThat(l.expected()).isEqualTo(24);
                assertThat(l.classified()).isEqualTo(24);
                assertThat(l.duplicates()).isZero();
                assertThat(l.missing()).isZero();
                assertThat(l.exactlyOnce()).isTrue();
                // the fake is right on even sample indices: 12 of 24
                assertThat(l.accuracy()).isEqualTo(0.5);
                assertThat(l.meanSteps()).isEqualTo(2.5);
                assertThat(l.latencyMs().count()).isEqualTo(24);
                assertThat(l.latencyMs().p50()).isPositive();
                assertThat(l.latencyMs().p99()).isGreaterThanOrEqualTo(l.latencyMs().p50());
                assertThat(l.sensorMs().p50()).isBetween(59.0, 61.0);
                // every stage known (the fake fills in its times, the topics take append times), summing to the total
                assertThat(l.stagesComplete()).isEqualTo(24);
                double sumOfMaxima = 0;
                for (Stage stage : Stage.values()) {
                    assertThat(l.stages().get(stage).count()).as(stage.name()).isEqualTo(24);
                    sumOfMaxima += l.stages().get(stage).max();
                }
                assertThat(sumOfMaxima).isGreaterThanOrEqualTo(l.latencyMs().max() * 0.99);
            }
            assertThat(r.exactlyOnce()).isTrue();
            Report.write(dir, r);
        }
        JsonNode json = new ObjectMapper().readTree(dir.resolve(Report.JSON_FILE).toFile());
        for (String key : List.of("classified", "expected", "accuracy", "mean_steps", "latency_ms",
                "offered_events_per_s", "achieved_events_per_s", "loads", "exit_reasons", "steps_histogram",
                "sensor_time_to_decision_ms", "machine", "configuration", "knee", "accuracy_by_steps", "stages",
                "guarantee", "conflicting_duplicates")) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        for (String p : List.of("p50", "p90", "p99", "p999", "max")) {
            assertThat(json.get("latency_ms").get(p).asDouble()).as(p).isPositive();
        }
        assertThat(json.get("classified").asLong()).isEqualTo(48);
        assertThat(json.get("expected").asLong()).isEqualTo(48);
        assertThat(json.get("exit_reasons").get("end_of_sample").asLong()).isEqualTo(48);
        assertThat(json.get("steps_histogram").get("1").asLong()).isEqualTo(12);
        assertThat(json.get("machine").get("cores").asInt()).isPositive();
        for (Stage stage : Stage.values()) {
            assertThat(json.get("stages").get(stage.jsonName()).get("p99").asDouble()).as(stage.name()).isNotNegative();
        }
        assertThat(json.get("stages").get("topic_timestamp_types").get(Topics.DEFAULT_EVENTS).asText())
                .isEqualTo("LogAppendTime");
        String html = Files.readString(dir.resolve(Report.HTML_FILE));
        assertThat(html).contains("<svg").contains("Decision latency by percentile").contains("Latency vs offered load")
                .contains("Time steps used per decision").contains("Accuracy by steps used")
                .contains("Latency by stage (stacked)").contains("broker append → stream app poll").doesNotContain("http://cdn")
                .doesNotContain("<script src");
    }

    /**
     * At-least-once: every decision arrives twice with the same key and outcome. The bench keeps the first,
     * counts the repeats as duplicates (the run keeps an at-least-once promise but would break an exactly-once
     * one), and a repeat with another outcome is a conflict that fails the run.
     */
    @Test
    void repeatedDecisionsAreDroppedOnTheirKeyAndCountedSeparately() throws Exception {
        SampleSource source = SyntheticSamples.uniform(10, 40_000, 200, 4, 9);
        ReplayConfig replay = ReplayConfig.builder().speed(4.0).splitSamples(true).seed(3).cameraPrefix("d").build();
        try (FakeClassifier fake = new FakeClassifier(broker.bootstrapServers(), 4, 4)) {
            fake.repeatDecisions();
            BenchResult r = LatencyBench.run(builder(source, replay, List.of(2), Duration.ZERO)
                    .guarantee(Guarantee.AT_LEAST_ONCE).build(), BenchListener.NONE);
            LoadResult l = r.loads().get(0);
            assertThat(l.classified()).isEqualTo(10);
            assertThat(l.duplicates()).isEqualTo(10);
            assertThat(l.conflicts()).isZero();
            assertThat(l.unexpected()).isZero();
            assertThat(l.latencyMs().count()).as("only first arrivals are timed").isEqualTo(10);
            assertThat(l.meets(Guarantee.AT_LEAST_ONCE)).isTrue();
            assertThat(l.meets(Guarantee.EXACTLY_ONCE)).isFalse();
            assertThat(r.ok()).isTrue();

            fake.conflictingDecisions();
            BenchResult bad = LatencyBench.run(builder(source, replay.withCameraPrefix("e"), List.of(2), Duration.ZERO)
                    .guarantee(Guarantee.AT_LEAST_ONCE).build(), BenchListener.NONE);
            assertThat(bad.loads().get(0).conflicts()).isEqualTo(2); // samples 0 and 5
            assertThat(bad.loads().get(0).conflictExamples()).hasSize(2);
            assertThat(bad.ok()).isFalse();
        }
    }

    /**
     * Coordinated omission: the classifier stalls for 1 s in the middle of a 4 s real-time run. The
     * open-loop schedule keeps offering samples during the stall, so every decision due in that
     * second waits (up to 1 s), and the stall fills the high percentiles. A closed-loop measurement
     * (next sample sent only after the previous decision) would have sent nothing during the stall
     * and seen one slow decision out of ~80.
     */
    @Test
    void aStalledClassifierShowsInTheHighPercentiles() throws Exception {
        SampleSource source = SyntheticSamples.uniform(100, 50_000, 500, 4, 10);
        ReplayConfig replay = ReplayConfig.builder().duration(Duration.ofSeconds(4)).seed(3).cameraPrefix("x").build();
        try (FakeClassifier fake = new FakeClassifier(broker.bootstrapServers(), 4, 4)) {
            fake.stallOnce(WallClock.nowNs() + 2_000_000_000L, 1000);
            BenchResult r = LatencyBench.run(config(source, replay, List.of(1), Duration.ZERO), BenchListener.NONE);
            LoadResult l = r.loads().get(0);
            assertThat(l.exactlyOnce()).isTrue();
            assertThat(l.classified()).isBetween(70L, 85L);
            Percentiles p = l.latencyMs();
            // ~20 of ~80 decisions were due during the stall: p50 stays low, p90 and up carry the stall
            assertThat(p.p50()).isLessThan(200);
            assertThat(p.p90()).isGreaterThan(300);
            assertThat(p.p99()).isGreaterThan(800);
            assertThat(p.max()).isBetween(900.0, 1600.0);
        }
    }
}
