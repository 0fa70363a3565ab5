package io.spikestream.app.cli;

import picocli.CommandLine.Option;

/** {@code --commit-interval-ms} of a stream app started in-process ({@code demo}, {@code bench --embedded}). */
public final class CommitIntervalOption {
    @Option(names = "--commit-interval-ms", defaultValue = "20", paramLabel = "MS",
            description = {"Commit interval of the embedded stream app. Under exactly-once a decision is visible once its",
                "transaction commits, so this bounds part of the latency (default: ${DEFAULT-VALUE}, as serve)."})
    public int commitIntervalMs;
}
