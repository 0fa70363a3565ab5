package io.spikestream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.testing.BenchData;
import io.spikestream.app.cli.testing.CliRun;
import io.spikestream.app.testing.Cli;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.topics.Topics;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {


    @Test
    void replaysADataSetOntoABrokerAndReportsJson(@TempDir Path dir) throws Exception {
        Path data = BenchData.nmnistLike(dir.resolve("data"), 3, 2, 20_000, 100);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopic(Topics.DEFAULT_EVENTS, 1);
            CliRun r = Cli.run("replay", "--bootstrap-servers", broker.bootstrapServers(), "--data", data.toString(),
                    "--cameras", "2", "--speed", "max", "--compression", "lz4", "--producer-property", "client.id=t",
                    "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode j = new ObjectMapper().readTree(r.out());
            assertThat(j.get("events").asLong()).isEqualTo(2 * 6 * 200);
            assertThat(j.get("samples").asLong()).isEqualTo(12);
            assertThat(j.get("packets").asLong()).isEqualTo(2 * 6 * 4);
            assertThat(j.get("seconds").asDouble()).isPositive();
            assertThat(j.has("behind_schedule_ms")).isTrue();
            assertThat(j.has("achieved_events_per_s")).isTrue();
        }
    }

    @Test
    void badValuesAreUsageErrors(@TempDir Path dir) throws Exception {
        Path data = BenchData.nmnistLike(dir.resolve("data"), 1, 1, 1_000, 100);
        assertThat(Cli.run("replay", "--bootstrap-servers", "127.0.0.1:1", "--data", data.toString(), "--speed", "fast")
                .exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(Cli.run("replay", "--bootstrap-servers", "127.0.0.1:1", "--data", data.toString(), "--cameras", "0")
                .exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(Cli.run("replay", "--bootstrap-servers", "127.0.0.1:1", "--data", data.toString(), "--loop")
                .exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        CliRun missing = Cli.run("replay", "--bootstrap-servers", "127.0.0.1:1", "--data", dir.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(SpikestreamCli.EXIT_FAILURE);
        assertThat(missing.err()).contains("nope");
    }
}
