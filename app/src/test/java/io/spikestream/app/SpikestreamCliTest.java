package io.spikestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.app.cli.testing.CliRun;
import io.spikestream.app.testing.Cli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SpikestreamCliTest {

    @Test
    void helpListsTheCommandsAndSucceeds() {
        CliRun r = Cli.run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: spikestream").contains("events").contains("gpu-session");
    }

    @Test
    void versionNamesTheVersionAndRevision() {
        CliRun r = Cli.run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("spikestream ").contains("(git ");
    }

    @Test
    void unknownOptionsAndCommandsAreUsageErrors() {
        assertThat(Cli.run("--no-such-option").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(Cli.run("no-such-command").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
    }

    @Test
    void everyCommandHasHelp() {
        CommandLine root = SpikestreamCli.commandLine();
        assertThat(root.getSubcommands()).isNotEmpty();
        root.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                CliRun r = Cli.run(name, "--help");
                assertThat(r.exit()).as(name + " --help").isZero();
                assertThat(r.out()).as(name + " --help").contains("Usage: spikestream " + name);
                sub.getSubcommands().keySet().forEach(subName -> {
                    CliRun s = Cli.run(name, subName, "--help");
                    assertThat(s.exit()).as(name + " " + subName + " --help").isZero();
                    assertThat(s.out()).contains("Usage: spikestream " + name + " " + subName);
                });
            }
        });
    }
}
