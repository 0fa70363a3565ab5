package io.spikestream.app.testing;

import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.testing.CliRun;

/** Runs the real {@code spikestream} command line in the test's JVM, capturing its output. */
public final class Cli {
    private Cli() {
    }

    public static CliRun run(String... args) {
        return CliRun.of(SpikestreamCli.commandLine(), args);
    }
}
