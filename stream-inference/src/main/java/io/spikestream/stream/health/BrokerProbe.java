package io.spikestream.stream.health;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the Kafka cluster for its id every {@link #INTERVAL} on a daemon thread and remembers when it
 * last answered, so that health can tell "running" from "running but cut off from the broker" (Kafka
 * Streams keeps its state RUNNING while its clients retry). Uses the stream app's own client settings
 * (security included) through {@link StreamsConfig#getAdminConfigs}.
 */
public final class BrokerProbe implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(BrokerProbe.class);

    private final Admin admin;
    private final ScheduledExecutorService timer;
    private volatile long lastContactNs;
    private volatile boolean contacted;

    private BrokerProbe(Admin admin) {
        this.admin = admin;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spikestream-broker-probe");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts probing the cluster of these Kafka Streams properties. */
    public static BrokerProbe start(Properties streamsProperties) {
        Map<String, Object> config = new StreamsConfig(streamsProperties).getAdminConfigs("spikestream-health");
        config.put("request.timeout.ms", (int) INTERVAL.multipliedBy(2).toMillis());
        config.put("default.api.timeout.ms", (int) INTERVAL.multipliedBy(3).toMillis());
        BrokerProbe p = new BrokerProbe(Admin.create(config));
        p.timer.scheduleWithFixedDelay(p::probe, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return p;
    }

    private void probe() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) INTERVAL.multipliedBy(2).toMillis()))
                    .clusterId().get(INTERVAL.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
            lastContactNs = System.nanoTime();
            contacted = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("broker probe failed: {}", e.toString());
        }
    }

    /** Time since the broker last answered, or null when it never has. */
    public Duration sinceContact() {
        return contacted ? Duration.ofNanos(System.nanoTime() - lastContactNs) : null;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
