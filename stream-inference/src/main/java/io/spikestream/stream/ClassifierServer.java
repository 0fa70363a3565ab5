package io.spikestream.stream;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spikestream.snn.BnntModel;
import io.spikestream.stream.config.ServeSettings;
import io.spikestream.stream.health.BrokerProbe;
import io.spikestream.stream.health.HealthCheck;
import io.spikestream.stream.health.HealthStatus;
import io.spikestream.stream.metrics.MetricsServer;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What {@code spikestream serve} runs: one {@link ClassifierApp} with its meters (and the JVM's) in a
 * Prometheus registry, served on {@code /metrics} with the health endpoints ({@code /health/live},
 * {@code /health/ready}, {@code /health}: see {@link HealthCheck}) unless the settings turn the endpoint
 * off. {@link #close()} commits and stops the app, then the endpoint.
 */
public final class ClassifierServer implements AutoCloseable {
    private final ServeSettings settings;
    private final BnntModel model;
    private final PrometheusMeterRegistry registry;
    private final ClassifierApp app;
    private final BrokerProbe probe;
    private final HealthCheck health;
    private final MetricsServer metrics;

    private ClassifierServer(ServeSettings settings, BnntModel model, PrometheusMeterRegistry registry,
                             ClassifierApp app, BrokerProbe probe, HealthCheck health, MetricsServer metrics) {
        this.settings = settings;
        this.model = model;
        this.registry = registry;
        this.app = app;
        this.probe = probe;
        this.health = health;
        this.metrics = metrics;
    }

    /** Starts the app and the endpoint; returns without waiting for the app to run. */
    public static ClassifierServer start(ServeSettings settings, BnntModel model) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        ClassifierApp app = ClassifierApp.start(settings.app(), model, registry);
        BrokerProbe probe = null;
        try {
            probe = BrokerProbe.start(settings.app().streamsProperties());
            HealthCheck health = new HealthCheck(app, probe::sinceContact, HealthCheck.DEFAULT_BROKER_BOUND,
                    HealthCheck.DEFAULT_FAILURE_WINDOW);
            MetricsServer metrics = settings.metricsPort() < 0 ? null
                    : MetricsServer.start(settings.metricsHost(), settings.metricsPort(), registry, health::status);
            return new ClassifierServer(settings, model, registry, app, probe, health, metrics);
        } catch (RuntimeException e) {
            app.close();
            if (probe != null) {
                probe.close();
            }
            registry.close();
            throw e;
        }
    }

    /** The app's health now (what the health endpoints answer). */
    public HealthStatus health() {
        return health.status();
    }

    /** One line for the log: what is served, where from and to, and where the metrics are. */
    public String describe() {
        AppConfig c = settings.app();
        return "serving model " + (model.modelId().isEmpty() ? settings.model() : model.modelId()) + " ("
                + model.spec().framing().describe() + ", T=" + model.spec().timesteps() + ", " + c.guarantee()
                + ", commit every " + c.commitIntervalMs() + " ms) on " + c.bootstrapServers()
                + ": " + c.topics().events() + " -> " + c.topics().classifications()
                + (metrics == null ? "" : "; metrics at http://" + settings.metricsHost() + ":" + metrics.port()
                + "/metrics");
    }

    /** @throws IllegalStateException when Kafka Streams has stopped (its log says why) */
    public void checkRunning() {
        KafkaStreams.State s = app.state();
        if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
            throw new IllegalStateException("the stream app stopped (" + s + "); see the log above");
        }
    }

    /**
     * How long closing waits when the broker has not answered within the health bound: there is nothing
     * to commit to and no group to leave, so a stop should not hang for {@link ClassifierApp#CLOSE_TIMEOUT}.
     */
    static final Duration UNREACHABLE_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    @Override
    public void close() {
        Duration since = probe.sinceContact();
        boolean reachable = since != null && since.compareTo(HealthCheck.DEFAULT_BROKER_BOUND) <= 0;
        try {
            app.close(reachable ? ClassifierApp.CLOSE_TIMEOUT : UNREACHABLE_CLOSE_TIMEOUT);
        } finally {
            probe.close();
            if (metrics != null) {
                metrics.close();
            }
            registry.close();
        }
    }
}
