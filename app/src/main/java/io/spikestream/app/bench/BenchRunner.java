package io.spikestream.app.bench;

import io.spikestream.app.serve.EmbeddedPipeline;
import io.spikestream.bench.BenchConfig;
import io.spikestream.bench.BenchListener;
import io.spikestream.bench.BenchResult;
import io.spikestream.bench.LatencyBench;
import io.spikestream.snn.BnntModel;
import io.spikestream.topics.Guarantee;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs the latency bench against a broker and stream app started in-process for the run, the way
 * {@code bench --embedded} and {@code demo} measure; {@link LatencyBench#run} measures a running one.
 */
public final class BenchRunner {
    private BenchRunner() {
    }

    /**
     * The in-process pipeline: the stream app serving {@code model} with {@code streamThreads} threads, the
     * guarantee and the Kafka Streams properties given (the commit interval, say), on topics of
     * {@code partitions} partitions.
     */
    public record Embedded(BnntModel model, int partitions, int streamThreads, Guarantee guarantee,
                           Map<String, String> streamProperties) {
        public Embedded {
            streamProperties = Map.copyOf(streamProperties);
        }

        /** The properties with {@code commit.interval.ms} set when {@code commitIntervalMs} is given. */
        public static Map<String, String> withCommitInterval(Map<String, String> properties, Integer commitIntervalMs) {
            Map<String, String> m = new LinkedHashMap<>(properties);
            if (commitIntervalMs != null) {
                m.put("commit.interval.ms", Integer.toString(commitIntervalMs));
            }
            return m;
        }
    }

    /** Starts the broker and the app, runs {@code config} against them (its producer pointed there), stops both. */
    public static BenchResult runEmbedded(BenchConfig config, Embedded embedded, BenchListener listener)
            throws InterruptedException {
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(embedded.model(), embedded.partitions(),
                embedded.streamThreads(), embedded.guarantee(), embedded.streamProperties())) {
            BenchConfig here = config.withProducer(config.producer().withBootstrapServers(pipeline.bootstrapServers()));
            return LatencyBench.run(here, listener);
        }
    }
}
