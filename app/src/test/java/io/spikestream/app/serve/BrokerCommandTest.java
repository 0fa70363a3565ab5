package io.spikestream.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.JsonOut;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BrokerCommandTest {

    @Test
    void runsPrintsItsAddressAndCreatesTopics() throws Exception {
        CommandLine cl = SpikestreamCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("broker", "--json", "--topic", "dvs-events:3", "--topic", "classifications", "--run-for", "0");
        assertThat(exit).as(err.toString()).isZero();
        JsonNode o = JsonOut.mapper().readTree(out.toString());
        assertThat(o.get("bootstrap_servers").asText()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(o.get("topics")).hasSize(2);
    }

    @Test
    void badTopicSpecIsAUsageError() {
        CommandLine cl = SpikestreamCli.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(new StringWriter()));
        assertThat(cl.execute("broker", "--topic", "x:0")).isEqualTo(SpikestreamCli.EXIT_USAGE);
    }
}
