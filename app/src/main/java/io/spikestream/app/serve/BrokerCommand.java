package io.spikestream.app.serve;

import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.stream.broker.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spikestream broker}: a real single-node KRaft Kafka broker on 127.0.0.1 until SIGINT or
 * SIGTERM (or {@code --run-for}); prints the bootstrap address on stdout as soon as it accepts
 * clients, and deletes its data directory on the way out.
 */
@Command(name = "broker",
        description = {"Run a single-node KRaft Kafka broker on 127.0.0.1 until stopped (Ctrl-C or SIGTERM).",
                "Prints its bootstrap address (host:port) on stdout; data lives in a temporary directory that is removed on exit."})
public final class BrokerCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Mixin
    io.spikestream.app.cli.HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--topic", paramLabel = "NAME[:PARTITIONS]",
            description = "Create this topic at start (repeatable), e.g. dvs-events:4. Default partitions: 1.")
    List<String> topics = List.of();

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
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        Thread hook = new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "spikestream-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            wanted.forEach(broker::createTopic);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("bootstrap_servers", broker.bootstrapServers());
                o.put("topics", List.copyOf(wanted.keySet()));
                JsonOut.print(out, o);
            } else {
                out.println(broker.bootstrapServers());
                out.flush();
            }
            spec.commandLine().getErr().println("broker running at " + broker.bootstrapServers() + "; stop with Ctrl-C or SIGTERM");
            spec.commandLine().getErr().flush();
            if (runForSeconds == null) {
                stopped.await();
            } else {
                stopped.await(runForSeconds, TimeUnit.SECONDS);
            }
        } finally {
            // not stopped by a signal: close here and drop the hook so it does not run twice
            if (stopped.getCount() > 0) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is already running; it closes the broker
                }
                broker.close();
            }
        }
        return SpikestreamCli.EXIT_OK;
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
