package io.spikestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SpikestreamCliTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = SpikestreamCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommandsAndSucceeds() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: spikestream").contains("events");
    }

    @Test
    void versionNamesTheVersionAndRevision() {
        Run r = run("--version");
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
                Run r = run(name, "--help");
                assertThat(r.exit()).as(name + " --help").isZero();
                assertThat(r.out()).as(name + " --help").contains("Usage: spikestream " + name);
                sub.getSubcommands().keySet().forEach(subName -> {
                    Run s = run(name, subName, "--help");
                    assertThat(s.exit()).as(name + " " + subName + " --help").isZero();
                    assertThat(s.out()).contains("Usage: spikestream " + name + " " + subName);
                });
            }
        });
    }
}
