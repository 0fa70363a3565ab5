package io.spikestream.app.serve;

import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.ShutdownSignal;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.topics.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spikestream broker}: a real single-node KRaft Kafka broker on 127.0.0.1 until SIGINT or
 * SIGTERM (or {@code --run-for}); prints the bootstrap address on stdout as soon as it accepts
 * clients. Its data lives in a temporary directory deleted on the way out, or with {@code --data-dir}
 * in a directory that is kept, so that a restarted broker has the same port, topics and offsets.
 */
@Command(name = "broker",
        description = {"Run a single-node KRaft Kafka broker on 127.0.0.1 until stopped (Ctrl-C or SIGTERM).",
                "Prints its bootstrap address (host:port) on stdout. Data lives in a temporary directory that is removed"
                        + " on exit, or with --data-dir in a directory that is kept: a restart there has the same port,"
                        + " topics, offsets and transactions."})
public final class BrokerCommand implements Callable<Integer> {
    @CommandLine.Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--topic", paramLabel = "NAME[:PARTITIONS]",
            description = "Create this topic at start (repeatable), e.g. " + Topics.DEFAULT_EVENTS + ":4, with the broker's"
                    + " append time as record timestamps (LogAppendTime). Default partitions: 1.")
    List<String> topics = List.of();

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the broker's data (and its ports) in DIR, created when missing, across restarts.")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT",
            description = "Client port (default: a free one, or with --data-dir the one it had before).")
    Integer port;

    @Option(names = "--run-for", paramLabel = "SECONDS",
            description = "Stop by itself after this many seconds (default: run until stopped).")
    Long runForSeconds;

    @Option(names = "--json", description = "Print {\"bootstrap_servers\": ..., \"topics\": [...]} instead of the bare address.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Integer> wanted = parseTopics();
        if (runForSeconds != null && runForSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--run-for must be >= 0, got " + runForSeconds);
        }
        if (port != null && (port < 1 || port > 65_535)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 1..65535, got " + port);
        }
        if (dataDir != null && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--data-dir " + dataDir + " is not a directory");
        }
        try (ShutdownSignal stop = ShutdownSignal.install("broker", Duration.ofSeconds(30));
             EmbeddedKafkaBroker broker = start()) {
            // record timestamps are the broker's append times, so that the bench can split decision latency there
            wanted.forEach((name, partitions) -> broker.createTopic(name, partitions, Topics.APPEND_TIME));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("bootstrap_servers", broker.bootstrapServers());
                o.put("topics", List.copyOf(wanted.keySet()));
                o.put("data_dir", dataDir == null ? null : broker.dataDirectory().toString());
                JsonOut.print(out, o);
            } else {
                out.println(broker.bootstrapServers());
                out.flush();
            }
            PrintWriter err = spec.commandLine().getErr();
            err.println("broker running at " + broker.bootstrapServers() + "; stop with Ctrl-C or SIGTERM");
            err.flush();
            if (runForSeconds == null) {
                stop.await();
            } else {
                stop.await(Duration.ofSeconds(runForSeconds));
            }
        }
        return SpikestreamCli.EXIT_OK;
    }

    private EmbeddedKafkaBroker start() {
        if (dataDir == null && port == null) {
            return EmbeddedKafkaBroker.start();
        }
        if (dataDir == null) {
            // a fixed port without kept data: the data still goes to a temporary directory
            return EmbeddedKafkaBroker.startTemporary(port, Map.of());
        }
        return EmbeddedKafkaBroker.start(dataDir, port == null ? 0 : port, Map.of());
    }

    private Map<String, Integer> parseTopics() {
        Map<String, Integer> result = new LinkedHashMap<>();
        for (String t : topics) {
            int colon = t.lastIndexOf(':');
            String name = colon < 0 ? t : t.substring(0, colon);
            int partitions = 1;
            if (colon >= 0) {
                try {
                    partitions = Integer.parseInt(t.substring(colon + 1));
                } catch (NumberFormatException e) {
                    partitions = -1;
                }
            }
            if (name.isEmpty() || partitions < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--topic " + t + ": expected NAME or NAME:PARTITIONS with PARTITIONS >= 1");
            }
            result.put(name, partitions);
        }
        return result;
    }
}
