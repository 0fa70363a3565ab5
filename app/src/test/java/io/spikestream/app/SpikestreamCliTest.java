package io.spikestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.app.cli.testing.CliRun;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SpikestreamCliTest {

    static CliRun run(String... args) {
        return CliRun.of(SpikestreamCli.commandLine(), args);
    }

    @Test
    void helpListsTheCommandsAndSucceeds() {
        CliRun r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: spikestream").contains("events").contains("gpu-session");
    }

    @Test
    void versionNamesTheVersionAndRevision() {
        CliRun r = run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("spikestream ").contains("(git ");
    }

    @Test
    void unknownOptionsAndCommandsAreUsageErrors() {
        assertThat(run("--no-such-option").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(run("no-such-command").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
    }

    @Test
    void everyCommandHasHelp() {
        CommandLine root = SpikestreamCli.commandLine();
        assertThat(root.getSubcommands()).isNotEmpty();
        root.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                CliRun r = run(name, "--help");
                assertThat(r.exit()).as(name + " --help").isZero();
                assertThat(r.out()).as(name + " --help").contains("Usage: spikestream " + name);
                sub.getSubcommands().keySet().forEach(subName -> {
                    CliRun s = run(name, subName, "--help");
                    assertThat(s.exit()).as(name + " " + subName + " --help").isZero();
                    assertThat(s.out()).contains("Usage: spikestream " + name + " " + subName);
                });
            }
        });
    }
}
