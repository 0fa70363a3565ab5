package io.spikestream.app.serve;

import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.ShutdownSignal;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.stream.ClassifierServer;
import io.spikestream.stream.config.ServeSettings;
import io.spikestream.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spikestream serve}: the stream app (Kafka Streams, exactly-once or at-least-once) with a Prometheus
 * endpoint, until SIGINT/SIGTERM, on which it commits and closes.
 */
@Command(name = "serve",
        description = {"Run the stream app: classify camera event streams from Kafka with a BNTT checkpoint.",
                "Reads EventPackets (key = camera id) from the input topic, writes Classifications to the output topic,"
                        + " malformed records to the dead-letter topic; exactly-once by default. Stops cleanly on Ctrl-C or SIGTERM.",
                "Settings come from --config FILE, then SPIKESTREAM_* environment variables, then flags (later wins);"
                        + " see stream-inference/README.md."})
public final class ServeCommand implements Callable<Integer> {
    @CommandLine.Mixin
    HelpOption help;

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

    @Option(names = "--input-topic", description = "EventPacket topic (default " + Topics.DEFAULT_EVENTS + ").")
    String inputTopic;

    @Option(names = "--output-topic", description = "Classification topic (default " + Topics.DEFAULT_CLASSIFICATIONS + ").")
    String outputTopic;

    @Option(names = "--dead-letter-topic", description = "Topic for malformed records (default " + Topics.DEFAULT_DEAD_LETTERS + ").")
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

    @CommandLine.Mixin
    GuaranteeOption guarantee;

    @Option(names = "--engine", paramLabel = "sparse|dense", description = "Inference engine (default sparse; dense is the reference).")
    String engine;

    @Option(names = "--metrics-host", description = "Address of the Prometheus and health endpoint (default "
            + ServeSettings.DEFAULT_METRICS_HOST + "; 0.0.0.0 to be reached from other hosts).")
    String metricsHost;

    @Option(names = "--metrics-port", description = "Port of /metrics, /health/live, /health/ready and /health (default 9464;"
            + " 0 any free port; -1 none).")
    String metricsPort;

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
            description = "A Kafka Streams or client property, passed through (repeatable), e.g. -X security.protocol=SASL_SSL.")
    List<String> kafkaProperties = List.of();

    @Option(names = "--run-for", paramLabel = "SECONDS", description = "Stop by itself after this many seconds (default: run until stopped).")
    Long runForSeconds;

    @Override
    public Integer call() throws Exception {
        ServeSettings settings = settings();
        BnntModel model = CheckpointCodec.read(settings.model());
        PrintWriter err = spec.commandLine().getErr();
        long deadline = runForSeconds == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(runForSeconds);
        // Kafka Streams takes up to 30 s to commit and close
        try (ShutdownSignal stop = ShutdownSignal.install("serve", Duration.ofSeconds(60));
             ClassifierServer server = ClassifierServer.start(settings, model)) {
            err.println(server.describe());
            err.flush();
            while (!stop.await(Duration.ofMillis(200)) && System.nanoTime() < deadline) {
                server.checkRunning();
            }
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
        flags.put("guarantee", guarantee.guarantee == null ? null : guarantee.guarantee.text());
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
