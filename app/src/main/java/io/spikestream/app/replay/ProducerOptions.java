package io.spikestream.app.replay;

import io.spikestream.replay.ProducerSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Kafka producer settings of the replay. */
public final class ProducerOptions {
    @Option(names = "--compression", defaultValue = "none", paramLabel = "TYPE",
            description = "Producer compression: none, gzip, snappy, lz4, zstd (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--linger-ms", defaultValue = "1", paramLabel = "MS",
            description = "Producer linger.ms (default: ${DEFAULT-VALUE}).")
    int lingerMs;

    @Option(names = "--batch-size", defaultValue = "65536", paramLabel = "BYTES",
            description = "Producer batch.size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--acks", defaultValue = "all", paramLabel = "0|1|all",
            description = "Producer acks (default: ${DEFAULT-VALUE}).")
    String acks;

    @Option(names = "--idempotence", defaultValue = "true", arity = "1", paramLabel = "true|false",
            description = "Producer enable.idempotence (default: ${DEFAULT-VALUE}).")
    boolean idempotence;

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
            description = "Any other producer property (repeatable); overrides the options above.")
    Map<String, String> extra = new LinkedHashMap<>();

    /** True when {@code --producer-property} sets {@code key}. */
    public boolean hasProperty(String key) {
        return extra.containsKey(key);
    }

    public ProducerSettings toSettings(String bootstrapServers) {
        return new ProducerSettings(bootstrapServers, compression, lingerMs, batchSize, acks, idempotence, extra);
    }
}
