package io.spikestream.app.replay;

import io.spikestream.app.cli.DurationConverter;
import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.ShutdownSignal;
import io.spikestream.replay.RecordingSource;
import io.spikestream.replay.ReplayConfig;
import io.spikestream.replay.ReplayListener;
import io.spikestream.replay.ReplayResult;
import io.spikestream.replay.Replayer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code spikestream replay}: publish recordings as live camera streams on an open-loop schedule. */
@Command(name = "replay",
        description = {"Replay recordings onto Kafka as N live cameras, paced by their timestamps.",
            "Each packet carries sample id, label, start/end of sample and its intended",
            "send time from an open-loop schedule (never from when a send finished)."})
public final class ReplayCommand implements Callable<Integer> {
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--cameras", defaultValue = "1", paramLabel = "N", description = "Concurrent cameras (default: ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
            description = "Stop starting new samples after this long (e.g. 30s); samples in flight finish.")
    Duration duration;

    @Option(names = "--camera-prefix", defaultValue = "cam-", paramLabel = "TEXT",
            description = "Camera ids are this prefix and a two-digit index (default: ${DEFAULT-VALUE}).")
    String cameraPrefix;

    @Mixin
    ReplayOptions replay;

    @Mixin
    ProducerOptions producer;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ReplayConfig config;
        try {
            config = replay.toConfig(cameras, duration == null || duration.isZero() ? null : duration, cameraPrefix);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        RecordingSource source = RecordingSource.open(replay.data, replay.dataKind);
        PrintWriter err = spec.commandLine().getErr();
        err.printf(Locale.ROOT, "replay: %s, %d camera(s) at %s onto %s on %s%n", source.describe(), cameras,
                config.maxSpeed() ? "max speed" : config.speed() + "x real time", config.topic(), bootstrapServers);
        err.flush();
        ReplayResult r;
        // Ctrl-C/SIGTERM: stop sending, flush what the producer holds and print the summary first
        try (ShutdownSignal stop = ShutdownSignal.install("replay", SHUTDOWN_WAIT)) {
            r = Replayer.run(config, source, producer.toSettings(bootstrapServers), new ReplayListener() {
                @Override
                public void progress(long packets, long events, double seconds, double behindMs) {
                    err.printf(Locale.ROOT, "replay: %.0f s, %d packets, %d events, %.0f events/s, behind schedule %.1f ms%n",
                            seconds, packets, events, events / Math.max(seconds, 1e-9), behindMs);
                    err.flush();
                }

                @Override
                public boolean stopRequested() {
                    return stop.requested();
                }
            });
            if (r.stopped()) {
                err.println("replay: stopped by a signal; the packets sent so far were flushed to the broker");
                err.flush();
            }
            print(r);
        }
        return SpikestreamCli.EXIT_OK;
    }

    private void print(ReplayResult r) {
        if (json) {
            JsonOut.print(spec.commandLine().getOut(), r.toJson());
            return;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%d packets, %d events, %d samples in %.2f s (%d bytes)%n", r.packets(), r.events(),
                r.samples(), r.seconds(), r.bytes());
        out.printf(Locale.ROOT, "offered %.0f events/s, achieved %.0f events/s%n", r.offeredEventsPerS(),
                r.achievedEventsPerS());
        out.printf(Locale.ROOT, "behind schedule: p50 %.2f ms, p99 %.2f ms, max %.2f ms, last %.2f ms%n",
                r.behindP50Ms(), r.behindP99Ms(), r.behindMaxMs(), r.behindLastMs());
        out.flush();
    }
}
