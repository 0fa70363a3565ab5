package io.spikestream.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.testing.CliRun;
import io.spikestream.app.testing.Cli;
import io.spikestream.topics.Topics;
import org.junit.jupiter.api.Test;

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
}
