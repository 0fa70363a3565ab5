package io.spikestream.app.serve;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spikestream.app.SpikestreamCli;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.stream.ClassifierApp;
import io.spikestream.stream.config.ServeSettings;
import io.spikestream.stream.metrics.MetricsServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spikestream serve}: the stream app (Kafka Streams, exactly-once) with a Prometheus endpoint,
 * until SIGINT/SIGTERM, on which it commits and closes.
 */
@Command(name = "serve",
        description = {"Run the stream app: classify camera event streams from Kafka with a BNTT checkpoint.",
                "Reads EventPackets (key = camera id) from the input topic, writes Classifications to the output topic,"
                        + " malformed records to the dead-letter topic; exactly-once. Stops cleanly on Ctrl-C or SIGTERM.",
                "Settings come from --config FILE, then SPIKESTREAM_* environment variables, then flags (later wins);"
                        + " see stream-inference/README.md."})
public final class ServeCommand implements Callable<Integer> {
    @CommandLine.Mixin
    io.spikestream.app.cli.HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings (keys as in the README).")
    Path configFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,..]", description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--model", paramLabel = "CKPT", description = "The checkpoint to serve.")
    String model;

    @Option(names = "--application-id", description = "Kafka Streams application id (default spikestream-classifier).")
    String applicationId;

    @Option(names = "--input-topic", description = "EventPacket topic (default dvs-events).")
    String inputTopic;

    @Option(names = "--output-topic", description = "Classification topic (default classifications).")
    String outputTopic;

    @Option(names = "--dead-letter-topic", description = "Topic for malformed records (default dvs-events-dlq).")
    String deadLetterTopic;

    @Option(names = "--threads", description = "Stream threads (default 1).")
    String threads;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory.")
    String stateDir;

    @Option(names = "--idle-grace-ms", paramLabel = "MS",
            description = "Close a camera's partial frame after it has been idle this long, wall clock (default 500).")
    String idleGraceMs;

    @Option(names = "--exit-confidence", paramLabel = "TAU", description = "Override the checkpoint's confidence threshold τ (0..1; 0 disables).")
    String exitConfidence;

    @Option(names = "--exit-margin", paramLabel = "M", description = "Override the margin threshold (0..1; 0 disables).")
    String exitMargin;

    @Option(names = "--exit-gamma-step", paramLabel = "STEP", description = "Override the BNTT γ exit step (0 disables).")
    String exitGammaStep;

    @Option(names = "--exit-min-steps", paramLabel = "STEPS",
            description = "Override the checkpoint's minimum number of steps before a confidence or margin exit (≥ 1).")
    String exitMinSteps;

    @Option(names = "--no-early-exit", description = "Run every episode to T steps or the end of its sample.")
    boolean noEarlyExit;

    @Option(names = "--engine", paramLabel = "sparse|dense", description = "Inference engine (default sparse; dense is the reference).")
    String engine;

    @Option(names = "--metrics-host", description = "Address of the Prometheus endpoint (default 0.0.0.0).")
    String metricsHost;

    @Option(names = "--metrics-port", description = "Port of /metrics and /health (default 9464; 0 any free port; -1 none).")
    String metricsPort;

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
            description = "A Kafka Streams or client property, passed through (repeatable), e.g. -X security.protocol=SASL_SSL.")
    List<String> kafkaProperties = List.of();

    @Option(names = "--run-for", paramLabel = "SECONDS", description = "Stop by itself after this many seconds (default: run until stopped).")
    Long runForSeconds;

    @Override
    public Integer call() throws Exception {
        ServeSettings settings = settings();
        PrintWriter err = spec.commandLine().getErr();
        BnntModel bnnt = CheckpointCodec.read(settings.model());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        ClassifierApp app = ClassifierApp.start(settings.app(), bnnt, registry);
        MetricsServer metrics = null;
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            app.close();
        }, "spikestream-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (settings.metricsPort() >= 0) {
                metrics = MetricsServer.start(settings.metricsHost(), settings.metricsPort(), registry, app::healthy);
            }
            err.println("serving model " + (bnnt.modelId().isEmpty() ? settings.model() : bnnt.modelId()) + " ("
                    + bnnt.spec().framing().describe() + ", T=" + bnnt.spec().timesteps() + ") on " + settings.app().bootstrapServers()
                    + ": " + settings.app().inputTopic() + " -> " + settings.app().outputTopic()
                    + (metrics == null ? "" : "; metrics at http://" + settings.metricsHost() + ":" + metrics.port() + "/metrics"));
            err.flush();
            long deadline = runForSeconds == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(runForSeconds);
            while (!stop.await(200, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                KafkaStreams.State s = app.state();
                if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("the stream app stopped (" + s + "); see the log above");
                }
            }
        } finally {
            if (stop.getCount() > 0) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs and closes the app
                }
                app.close();
            }
            if (metrics != null) {
                metrics.close();
            }
            registry.close();
        }
        return SpikestreamCli.EXIT_OK;
    }

    private ServeSettings settings() {
        Properties file = new Properties();
        if (configFile != null) {
            try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                file.load(r);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--config " + configFile + ": " + e.getMessage());
            }
        }
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("bootstrap.servers", bootstrapServers);
        flags.put("model", model);
        flags.put("application.id", applicationId);
        flags.put("topic.input", inputTopic);
        flags.put("topic.output", outputTopic);
        flags.put("topic.dead-letters", deadLetterTopic);
        flags.put("threads", threads);
        flags.put("state.dir", stateDir);
        flags.put("idle.grace.ms", idleGraceMs);
        flags.put("exit.confidence", exitConfidence);
        flags.put("exit.margin", exitMargin);
        flags.put("exit.gamma-step", exitGammaStep);
        flags.put("exit.min-steps", exitMinSteps);
        flags.put("exit.disabled", noEarlyExit ? "true" : null);
        flags.put("engine", engine);
        flags.put("metrics.host", metricsHost);
        flags.put("metrics.port", metricsPort);
        for (String kv : kafkaProperties) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--kafka-property " + kv + ": expected KEY=VALUE");
            }
            flags.put("kafka." + kv.substring(0, eq), kv.substring(eq + 1));
        }
        if (runForSeconds != null && runForSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--run-for must be >= 0");
        }
        try {
            return ServeSettings.resolve(file, System.getenv(), flags);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
