package io.spikestream.replay;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Kafka producer settings of a replay. Defaults favour latency over batching (linger 1 ms) and
 * keep Kafka's safe delivery defaults (acks=all, idempotence on); {@code extra} overrides anything.
 */
public record ProducerSettings(String bootstrapServers, String compression, int lingerMs, int batchSize,
                               String acks, boolean idempotence, Map<String, String> extra) {

    public ProducerSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(acks, "acks");
        if (lingerMs < 0) {
            throw new IllegalArgumentException("linger.ms " + lingerMs + " is negative");
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("batch.size " + batchSize + " is negative");
        }
        extra = Map.copyOf(extra == null ? Map.of() : extra);
    }

    public static ProducerSettings defaults(String bootstrapServers) {
        return new ProducerSettings(bootstrapServers, "none", 1, 64 * 1024, "all", true, Map.of());
    }

    public ProducerSettings withBootstrapServers(String servers) {
        return new ProducerSettings(servers, compression, lingerMs, batchSize, acks, idempotence, extra);
    }

    /** The producer properties; the serializers come from the topic a producer writes to. */
    public Properties toProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchSize));
        p.put(ProducerConfig.ACKS_CONFIG, acks);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotence));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "spikestream-replay");
        // fail in seconds, not Kafka's minute, when the broker or topic is missing; a send blocked on a
        // full buffer for this long means the broker cannot keep up at all
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.putAll(extra);
        return p;
    }

    /** The settings as a JSON-friendly map for reports. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bootstrap_servers", bootstrapServers);
        m.put("compression", compression);
        m.put("linger_ms", lingerMs);
        m.put("batch_size", batchSize);
        m.put("acks", acks);
        m.put("idempotence", idempotence);
        m.put("extra", new LinkedHashMap<>(extra));
        return m;
    }
}
