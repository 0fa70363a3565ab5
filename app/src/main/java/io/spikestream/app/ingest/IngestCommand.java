package io.spikestream.app.ingest;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.DurationConverter;
import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.replay.ProducerOptions;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.RecordingFormat;
import io.spikestream.ingest.Ingest;
import io.spikestream.ingest.IngestConfig;
import io.spikestream.ingest.IngestListener;
import io.spikestream.ingest.Overflow;
import io.spikestream.ingest.SourceConfig;
import io.spikestream.ingest.SourceStats;
import io.spikestream.stream.health.HealthStatus;
import io.spikestream.stream.metrics.MetricsServer;
import io.spikestream.topics.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spikestream ingest}: live cameras onto the events topic. */
@Command(name = "ingest",
        description = {"Bridge live event cameras onto Kafka: one camera per source, EventPackets keyed by camera id.",
            "Sources: dv-tcp://HOST:PORT (DV's TCP output/server module), udp://HOST:PORT?format=aestream|jaer",
            "(ingest listens; AEStream needs --geometry), file:PATH or - (stdin, a FIFO; --format evt2|evt3|aedat2|aedat4;",
            "--follow reads a file as it grows). Per-source query parameters override the options:",
            "camera=, geometry=WxH, overflow=block|drop-oldest, format=, follow=true, chip=dvs128|davis240|davis346 (jAER).",
            "Stops on Ctrl-C/SIGTERM (sending what was read), after --duration, or when every source has ended."})
public final class IngestCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SOURCE", description = "dv-tcp://HOST:PORT, udp://HOST:PORT?format=aestream|jaer, file:PATH or -.")
    List<String> sources;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--embedded", description = "Start an in-process Kafka broker (and the topic) instead; for trials and measurements.")
    boolean embedded;

    @Option(names = "--topic", defaultValue = Topics.DEFAULT_EVENTS, description = "Events topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--camera", paramLabel = "ID", description = "Camera id of the next source without camera= (repeatable, in source order).")
    List<String> cameras = new ArrayList<>();

    @Option(names = "--geometry", paramLabel = "WxH", description = "Sensor size when the stream does not say (AEStream, headerless EVT), or to override it.")
    String geometry;

    @Option(names = "--format", paramLabel = "F", description = "Format of file and stdin sources: evt2, evt3, aedat2, aedat4 (a regular file's is detected).")
    String format;

    @Option(names = "--follow", description = "Read file sources as they grow, until stopped.")
    boolean follow;

    @Option(names = "--overflow", paramLabel = "block|drop-oldest",
            description = "When Kafka is slower than the camera (default: block for TCP and pipes, drop-oldest for UDP).")
    String overflow;

    @Option(names = "--packet-us", defaultValue = "5000", paramLabel = "US",
            description = "Event time per packet, and the longest an event waits in ingest (default: ${DEFAULT-VALUE}).")
    long packetUs;

    @Option(names = "--max-packet-events", defaultValue = "4096", paramLabel = "N", description = "Events per packet at most (default: ${DEFAULT-VALUE}).")
    int maxPacketEvents;

    @Option(names = "--heartbeat-ms", defaultValue = "20", paramLabel = "MS",
            description = "Heartbeat interval of a quiet camera, 0 = none (default: ${DEFAULT-VALUE}; use 0 for a sender faster than real time).")
    long heartbeatMs;

    @Option(names = "--lateness-ms", defaultValue = "100", paramLabel = "MS",
            description = "How far a heartbeat's watermark stays behind the camera clock estimated from arrivals (default: ${DEFAULT-VALUE}).")
    long latenessMs;

    @Option(names = "--queue-packets", defaultValue = "1024", paramLabel = "N", description = "Packets a source may queue for Kafka (default: ${DEFAULT-VALUE}).")
    int queuePackets;

    @Option(names = "--reconnect-max-ms", defaultValue = "5000", paramLabel = "MS", description = "Longest wait between TCP reconnection attempts (default: ${DEFAULT-VALUE}).")
    long reconnectMaxMs;

    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
            description = "Stop after this long (e.g. 30s); default: until stopped or every source has ended.")
    Duration duration;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1", description = {"Address of the Prometheus and health endpoints (default: ${DEFAULT-VALUE}; 0.0.0.0 for",
        "every interface, as in a container)."})
    String metricsHost;

    @Option(names = "--metrics-port", defaultValue = "9465", description = "Port of /metrics and /health (default: ${DEFAULT-VALUE}; 0 any free port; -1 none).")
    int metricsPort;

    @Mixin
    ProducerOptions producer;

    @Option(names = "--json", description = "Print the summary as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        IngestConfig config = config();
        if (embedded == (bootstrapServers != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either --bootstrap-servers or --embedded");
        }
        PrintWriter err = spec.commandLine().getErr();
        EmbeddedKafkaBroker broker = null;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        MetricsServer metrics = null;
        Ingest ingest = null;
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(config.stopTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ingest-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String bootstrap = bootstrapServers;
            if (embedded) {
                broker = EmbeddedKafkaBroker.start();
                broker.createTopic(config.topic().name(), Math.max(1, config.sources().size()));
                bootstrap = broker.bootstrapServers();
                err.println("ingest: embedded Kafka broker at " + bootstrap + ", topic " + config.topic().name());
            }
            Properties props = producer.toSettings(bootstrap).toProperties();
            if (!producer.hasProperty(ProducerConfig.CLIENT_ID_CONFIG)) {
                props.put(ProducerConfig.CLIENT_ID_CONFIG, "spikestream-ingest");
            }
            try (KafkaProducer<String, byte[]> kafka = new KafkaProducer<>(props, config.topic().keySerializer(),
                    config.topic().valueSerializer())) {
                try {
                    // fail now, not at the first packet, when the broker or the topic is missing
                    kafka.partitionsFor(config.topic().name());
                } catch (KafkaException e) {
                    throw new IllegalStateException("topic " + config.topic().name() + " on " + bootstrap + ": " + e.getMessage(), e);
                }
                ingest = Ingest.start(config, kafka, new StderrListener(err), registry);
                Ingest running = ingest;
                if (metricsPort >= 0) {
                    metrics = MetricsServer.start(metricsHost, metricsPort, registry, () -> health(running));
                }
                for (SourceStats s : ingest.sources()) {
                    err.printf(Locale.ROOT, "ingest: %s -> camera %s on %s (overflow %s)%n", s.config().spec().uri(),
                            s.config().camera(), config.topic().name(), s.config().overflow().id());
                }
                if (metrics != null) {
                    err.println("ingest: metrics at http://" + metricsHost + ":" + metrics.port() + "/metrics");
                }
                err.flush();
                run(ingest, stop, err);
                ingest.stop();
                kafka.flush();
            }
            Map<String, Object> summary = ingest.summary();
            if (json) {
                JsonOut.print(spec.commandLine().getOut(), summary);
            } else {
                printSummary(spec.commandLine().getOut(), ingest);
            }
            boolean failed = ingest.sources().stream().anyMatch(s -> s.state() == SourceStats.State.FAILED || s.failedEvents() > 0);
            return failed ? SpikestreamCli.EXIT_FAILURE : SpikestreamCli.EXIT_OK;
        } finally {
            if (ingest != null) {
                ingest.stop();
            }
            if (metrics != null) {
                metrics.close();
            }
            registry.close();
            if (broker != null) {
                broker.close();
            }
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: nothing to remove
            }
        }
    }

    /** Progress once a second until a signal, the duration, or the end of every source. */
    private void run(Ingest ingest, AtomicBoolean stop, PrintWriter err) throws InterruptedException {
        long start = System.nanoTime();
        long end = duration == null || duration.isZero() ? Long.MAX_VALUE : start + duration.toNanos();
        long lastIn = 0;
        long lastOut = 0;
        long lastNs = start;
        while (!stop.get() && System.nanoTime() < end && !ingest.sourcesDone()) {
            Thread.sleep(Math.max(1, Math.min(1000, (end - System.nanoTime()) / 1_000_000)));
            long now = System.nanoTime();
            if (now - lastNs < 900_000_000L) {
                continue;
            }
            long in = 0;
            long out = 0;
            long queued = 0;
            long dropped = 0;
            long late = 0;
            long reconnects = 0;
            long errors = 0;
            for (SourceStats s : ingest.sources()) {
                in += s.eventsIn();
                out += s.eventsOut();
                queued += s.queueDepth();
                dropped += s.droppedEvents();
                late += s.lateEvents();
                reconnects += s.reconnects();
                errors += s.errors();
            }
            double dt = (now - lastNs) / 1e9;
            err.printf(Locale.ROOT, "ingest: %.0f s | in %s events/s | out %s events/s | queued %d packets | dropped %d"
                            + " | late %d | reconnects %d | errors %d%n", (now - start) / 1e9, rate((in - lastIn) / dt),
                    rate((out - lastOut) / dt), queued, dropped, late, reconnects, errors);
            err.flush();
            lastIn = in;
            lastOut = out;
            lastNs = now;
        }
    }

    private static String rate(double r) {
        return r >= 1e6 ? String.format(Locale.ROOT, "%.2f M", r / 1e6) : String.format(Locale.ROOT, "%,.0f", r);
    }

    private static void printSummary(PrintWriter out, Ingest ingest) {
        Map<String, Object> m = ingest.summary();
        out.printf(Locale.ROOT, "%d events in, %d out (%s events/s) in %.2f s; dropped %d, late %d, failed %d%n",
                (Long) m.get("events_in"), (Long) m.get("events_out"), rate(((Long) m.get("events_per_s_out")).doubleValue()),
                (Double) m.get("seconds"), (Long) m.get("dropped_events"), (Long) m.get("late_events"), (Long) m.get("failed_events"));
        for (SourceStats s : ingest.sources()) {
            out.printf(Locale.ROOT, "  %-12s %-40s %-8s in %d out %d packets %d dropped %d late %d clamped %d reconnects %d gaps %d malformed %d%s%n",
                    s.config().camera(), s.config().spec().uri(), s.state().name().toLowerCase(Locale.ROOT), s.eventsIn(), s.eventsOut(),
                    s.packetsOut(), s.droppedEvents(), s.lateEvents(), s.clampedEvents(), s.reconnects(), s.sequenceGaps(), s.malformed(),
                    s.lastError() == null ? "" : "  (last error: " + s.lastError() + ")");
        }
        out.flush();
    }

    private IngestConfig config() {
        try {
            SensorGeometry g = geometry == null ? null : SourceConfig.geometry(geometry);
            RecordingFormat f = format == null ? null : RecordingFormat.parse(format);
            Overflow o = overflow == null ? null : Overflow.parse(overflow);
            IngestConfig.Builder b = IngestConfig.builder().topic(topic).packetUs(packetUs).maxPacketEvents(maxPacketEvents)
                    .heartbeat(Duration.ofMillis(heartbeatMs)).latenessUs(latenessMs * 1000).queuePackets(queuePackets)
                    .reconnect(Duration.ofMillis(Math.min(100, reconnectMaxMs)), Duration.ofMillis(reconnectMaxMs));
            int cameraIndex = 0;
            for (String s : sources) {
                String camera = !s.contains("camera=") && cameraIndex < cameras.size() ? cameras.get(cameraIndex++) : null;
                b.source(SourceConfig.parse(s, new SourceConfig.Defaults(camera, g, f, follow, o)));
            }
            if (cameraIndex < cameras.size()) {
                throw new IllegalArgumentException(cameras.size() + " --camera ids for " + cameraIndex + " sources without camera=");
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Source news and errors as lines on stderr. */
    private static final class StderrListener implements IngestListener {
        private final PrintWriter err;

        StderrListener(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void message(String text) {
            synchronized (err) {
                err.println("ingest: " + text);
                err.flush();
            }
        }

        @Override
        public void error(SourceConfig source, String text) {
            synchronized (err) {
                err.println("ingest: error: " + source.camera() + ": " + text);
                err.flush();
            }
        }
    }

    /**
     * Ingest's answer on the health endpoints: live while the process runs (a failed source does not
     * stop the others), ready while no source has failed; each failed source is a problem line.
     */
    static HealthStatus health(Ingest ingest) {
        List<String> problems = new ArrayList<>();
        for (SourceStats s : ingest.sources()) {
            if (s.state() == SourceStats.State.FAILED) {
                problems.add("source " + s.config().spec().uri() + " failed: " + s.lastError());
            }
        }
        return new HealthStatus(true, problems.isEmpty(), problems.isEmpty() ? "RUNNING" : "SOURCE_FAILED", null, 0,
                problems);
    }
}
