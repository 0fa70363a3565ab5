package io.spikestream.stream;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spikestream.snn.BnntModel;
import io.spikestream.stream.config.ServeSettings;
import io.spikestream.stream.metrics.MetricsServer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What {@code spikestream serve} runs: one {@link ClassifierApp} with its meters (and the JVM's) in a
 * Prometheus registry, served with a health check on {@code /metrics} and {@code /health} unless the
 * settings turn the endpoint off. {@link #close()} commits and stops the app, then the endpoint.
 */
public final class ClassifierServer implements AutoCloseable {
    private final ServeSettings settings;
    private final BnntModel model;
    private final PrometheusMeterRegistry registry;
    private final ClassifierApp app;
    private final MetricsServer metrics;

    private ClassifierServer(ServeSettings settings, BnntModel model, PrometheusMeterRegistry registry,
                             ClassifierApp app, MetricsServer metrics) {
        this.settings = settings;
        this.model = model;
        this.registry = registry;
        this.app = app;
        this.metrics = metrics;
    }

    /** Starts the app and the endpoint; returns without waiting for the app to run. */
    public static ClassifierServer start(ServeSettings settings, BnntModel model) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        ClassifierApp app = ClassifierApp.start(settings.app(), model, registry);
        try {
            MetricsServer metrics = settings.metricsPort() < 0 ? null
                    : MetricsServer.start(settings.metricsHost(), settings.metricsPort(), registry, app::healthy);
            return new ClassifierServer(settings, model, registry, app, metrics);
        } catch (RuntimeException e) {
            app.close();
            registry.close();
            throw e;
        }
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

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            if (metrics != null) {
                metrics.close();
            }
            registry.close();
        }
    }
}
