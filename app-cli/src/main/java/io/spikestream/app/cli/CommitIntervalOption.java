package io.spikestream.app.cli;

import picocli.CommandLine.Option;

/** {@code --commit-interval-ms} of a stream app started in-process ({@code demo}, {@code bench --embedded}). */
public final class CommitIntervalOption {
    @Option(names = "--commit-interval-ms", paramLabel = "MS",
            description = {"Commit interval of the embedded stream app (default: as serve, 20 under exactly-once, where a",
                "decision is visible once its transaction commits, and 1000 under at-least-once, where decisions do not wait)."})
    public Integer commitIntervalMs;
}
