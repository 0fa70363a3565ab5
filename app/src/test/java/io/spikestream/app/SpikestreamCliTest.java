package io.spikestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.app.testing.CliRun;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SpikestreamCliTest {


    @Test
    void helpListsTheCommandsAndSucceeds() {
        CliRun r = CliRun.run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: spikestream").contains("events");
    }

    @Test
    void versionNamesTheVersionAndRevision() {
        CliRun r = CliRun.run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("spikestream ").contains("(git ");
    }

    @Test
    void unknownOptionsAndCommandsAreUsageErrors() {
        assertThat(CliRun.run("--no-such-option").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(CliRun.run("no-such-command").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
    }

    @Test
    void everyCommandHasHelp() {
        CommandLine root = SpikestreamCli.commandLine();
        assertThat(root.getSubcommands()).isNotEmpty();
        root.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                CliRun r = CliRun.run(name, "--help");
                assertThat(r.exit()).as(name + " --help").isZero();
                assertThat(r.out()).as(name + " --help").contains("Usage: spikestream " + name);
                sub.getSubcommands().keySet().forEach(subName -> {
                    CliRun s = CliRun.run(name, subName, "--help");
                    assertThat(s.exit()).as(name + " " + subName + " --help").isZero();
                    assertThat(s.out()).contains("Usage: spikestream " + name + " " + subName);
                });
            }
        });
    }
}
