package io.spikestream.app.bench;

import io.spikestream.app.serve.EmbeddedPipeline;
import io.spikestream.bench.BenchConfig;
import io.spikestream.bench.BenchListener;
import io.spikestream.bench.BenchResult;
import io.spikestream.bench.LatencyBench;
import io.spikestream.snn.BnntModel;

/**
 * Runs the latency bench against a broker and stream app started in-process for the run, the way
 * {@code bench --embedded} and {@code demo} measure; {@link LatencyBench#run} measures a running one.
 */
public final class BenchRunner {
    private BenchRunner() {
    }

    /**
     * The in-process pipeline: the stream app serving {@code model} with {@code streamThreads} threads and
     * the given commit interval, on topics of {@code partitions} partitions.
     */
    public record Embedded(BnntModel model, int partitions, int streamThreads, int commitIntervalMs) {
    }

    /** Starts the broker and the app, runs {@code config} against them (its producer pointed there), stops both. */
    public static BenchResult runEmbedded(BenchConfig config, Embedded embedded, BenchListener listener)
            throws InterruptedException {
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(embedded.model(), embedded.partitions(),
                embedded.streamThreads(), embedded.commitIntervalMs())) {
            BenchConfig here = config.withProducer(config.producer().withBootstrapServers(pipeline.bootstrapServers()));
            return LatencyBench.run(here, listener);
        }
    }
}
