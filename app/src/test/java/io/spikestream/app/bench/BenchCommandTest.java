package io.spikestream.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.testing.BenchData;
import io.spikestream.app.cli.testing.CliRun;
import io.spikestream.app.testing.Cli;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.InputShape;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.stream.AppConfig;
import io.spikestream.stream.ClassifierApp;
import io.spikestream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

    static Path model(Path dir) {
        List<String> classes = IntStream.range(0, 3).mapToObj(Integer::toString).toList();
        FramingSpec framing = FramingSpec.timeWindow(SensorGeometry.NMNIST, 5_000, 34, 34, CountMode.BINARY, 1);
        ModelSpec spec = ModelSpec.of("c4-p2-f16", new InputShape(2, 34, 34), 4, framing, classes);
        Path ckpt = dir.resolve("m.ckpt");
        CheckpointCodec.write(ckpt, BnntModel.of(spec, BnntParams.init(spec, 3)));
        return ckpt;
    }

    @Test
    void embeddedSweepWritesTheReportAndPrintsItsJson(@TempDir Path dir) throws Exception {
        Path data = BenchData.nmnistLike(dir.resolve("data"), 3, 4, 40_000, 200);
        Path report = dir.resolve("report");
        CliRun r = Cli.run("bench", "--embedded", "--model", model(dir).toString(),
                "--data", data.toString(), "--sweep", "1,2", "--speed", "2", "--duration", "1s", "--warmup", "0.2s",
                "--loop", "--partitions", "2", "--expect-failover", "25s", "--report", report.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        for (String key : List.of("classified", "expected", "accuracy", "mean_steps", "latency_ms",
                "offered_events_per_s", "achieved_events_per_s", "loads", "knee", "machine", "configuration")) {
            assertThat(j.has(key)).as(key).isTrue();
        }
        assertThat(j.get("classified").asLong()).isEqualTo(j.get("expected").asLong()).isPositive();
        assertThat(j.get("loads")).hasSize(2);
        assertThat(j.get("latency_ms").get("p99").asDouble()).isPositive();
        assertThat(j.get("configuration").get("embedded").asBoolean()).isTrue();
        // the drain timeout covers the failover the run was told to expect
        assertThat(j.get("configuration").get("expect_failover_s").asDouble()).isEqualTo(25.0);
        assertThat(j.get("configuration").get("drain_timeout_s").asDouble()).isEqualTo(55.0);
        assertThat(Files.readString(report.resolve("report.html"))).contains("<svg");
        assertThat(new ObjectMapper().readTree(report.resolve("report.json").toFile())).isEqualTo(j);
        assertThat(r.err()).contains("bench: load 1/2");
    }

    @Test
    void embeddedAtLeastOnceTimesEveryStageAndFindsEveryDecisionAsOffline(@TempDir Path dir) throws Exception {
        Path data = BenchData.nmnistLike(dir.resolve("data"), 3, 4, 40_000, 200);
        CliRun r = Cli.run("bench", "--embedded", "--guarantee", "at-least-once", "--model", model(dir).toString(),
                "--data", data.toString(), "--cameras", "2", "--split-samples", "--speed", "2", "--duration", "1s",
                "--warmup", "0s", "--partitions", "2", "--report", dir.resolve("report").toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("guarantee").asText()).isEqualTo("at-least-once");
        assertThat(j.get("guarantee_kept").asBoolean()).isTrue();
        long classified = j.get("classified").asLong();
        assertThat(classified).isEqualTo(12);
        JsonNode stages = j.get("stages");
        for (String stage : List.of("to_broker", "to_poll", "to_frame", "compute", "to_produce", "to_visible")) {
            assertThat(stages.get(stage).get("count").asLong()).as(stage).isEqualTo(classified);
            assertThat(stages.get(stage).get("p99").asDouble()).as(stage).isNotNegative();
        }
        assertThat(stages.get("topic_timestamp_types").get(Topics.DEFAULT_EVENTS).asText()).isEqualTo("LogAppendTime");
        assertThat(j.get("offline_check").get("identical").asLong()).isEqualTo(classified);
        assertThat(j.get("offline_check").get("offline_accuracy").asDouble()).isEqualTo(j.get("accuracy").asDouble());
        assertThat(j.get("configuration").get("guarantee").asText()).isEqualTo("at-least-once");
        assertThat(Cli.run("bench", "--embedded", "--guarantee", "at-most-once", "--model", model(dir).toString(),
                "--data", data.toString()).exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
    }

    /** Against a broker and stream app that run on their own (as with spikestream broker + serve). */
    @Test
    void externalBrokerWithARunningStreamApp(@TempDir Path dir) throws Exception {
        Path data = BenchData.nmnistLike(dir.resolve("data"), 3, 2, 40_000, 200);
        Path ckpt = model(dir);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopic(Topics.DEFAULT_EVENTS, 2);
            broker.createTopic(Topics.DEFAULT_CLASSIFICATIONS, 2);
            broker.createTopic(Topics.DEFAULT_DEAD_LETTERS, 1);
            AppConfig config = AppConfig.defaults(broker.bootstrapServers()).withStateDir(dir.resolve("state"));
            try (ClassifierApp app = ClassifierApp.start(config, CheckpointCodec.read(ckpt), new SimpleMeterRegistry())) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                CliRun r = Cli.run("bench", "--bootstrap-servers", broker.bootstrapServers(),
                        "--model", ckpt.toString(), "--data", data.toString(), "--cameras", "2", "--split-samples",
                        "--speed", "4", "--duration", "10s", "--warmup", "0s", "--report", dir.resolve("r").toString());
                assertThat(r.exit()).as(r.err()).isZero();
                // the text summary: a header and one row for 2 cameras with all 6 samples classified
                assertThat(r.out()).contains("p99 ms").containsPattern("(?m)^2\\s+\\d+\\s+\\d+\\s+6\\s+6\\s");
            }
        }
    }

    @Test
    void usageErrors(@TempDir Path dir) throws Exception {
        Path data = BenchData.nmnistLike(dir.resolve("data"), 1, 1, 1_000, 100);
        String m = model(dir).toString();
        // neither or both targets
        assertThat(Cli.run("bench", "--model", m, "--data", data.toString()).exit())
                .isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(Cli.run("bench", "--embedded", "--bootstrap-servers", "x:1", "--model", m,
                "--data", data.toString()).exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        // a sweep that does not increase, a bound that is not positive
        assertThat(Cli.run("bench", "--bootstrap-servers", "127.0.0.1:1", "--model", m,
                "--data", data.toString(), "--sweep", "4,2").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(Cli.run("bench", "--bootstrap-servers", "127.0.0.1:1", "--model", m,
                "--data", data.toString(), "--p99-bound-ms", "0").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
    }
}
