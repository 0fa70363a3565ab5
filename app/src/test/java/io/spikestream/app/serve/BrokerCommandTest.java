package io.spikestream.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.testing.CliRun;
import io.spikestream.app.testing.Cli;
import io.spikestream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerCommandTest {

    @Test
    void runsPrintsItsAddressAndCreatesTopics() throws Exception {
        CliRun r = Cli.run("broker", "--json", "--topic", Topics.DEFAULT_EVENTS + ":3", "--topic",
                Topics.DEFAULT_CLASSIFICATIONS, "--run-for", "0");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode o = JsonOut.mapper().readTree(r.out());
        assertThat(o.get("bootstrap_servers").asText()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(o.get("topics")).hasSize(2);
    }

    @Test
    void badTopicSpecIsAUsageError() {
        assertThat(Cli.run("broker", "--topic", "x:0").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
    }

    @Test
    void aDataDirIsKeptAndARestartHasTheSameAddress(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka-data");
        CliRun first = Cli.run("broker", "--json", "--data-dir", data.toString(), "--topic", "kept:2", "--run-for", "0");
        assertThat(first.exit()).as(first.err()).isZero();
        JsonNode a = JsonOut.mapper().readTree(first.out());
        assertThat(a.get("data_dir").asText()).isEqualTo(data.toAbsolutePath().toString());
        assertThat(data).isDirectory();
        CliRun second = Cli.run("broker", "--json", "--data-dir", data.toString(), "--run-for", "0");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(JsonOut.mapper().readTree(second.out()).get("bootstrap_servers").asText())
                .isEqualTo(a.get("bootstrap_servers").asText());
    }

    @Test
    void aBadPortOrDataDirIsAUsageError(@TempDir Path dir) throws Exception {
        assertThat(Cli.run("broker", "--port", "70000").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        Path file = Files.writeString(dir.resolve("f"), "x");
        CliRun r = Cli.run("broker", "--data-dir", file.toString());
        assertThat(r.exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(r.err()).contains("is not a directory");
    }
}
