package io.spikestream.app.ingest;

import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.Converters;
import io.spikestream.app.cli.DurationConverter;
import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.events.io.Aedat4Writer;
import io.spikestream.ingest.camera.CameraTimeline;
import io.spikestream.ingest.camera.DvTcpCamera;
import io.spikestream.ingest.camera.Recording;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spikestream camera}: a simulated event camera behind a DV TCP server output. */
@Command(name = "camera",
        description = {"Simulate an event camera behind DV's TCP server output: show recordings back to back",
            "(a gap of --gap-ms between them, on one camera clock) as DV's AEDAT 4 network stream on --serve,",
            "paced by their timestamps. Waits for a client (e.g. spikestream ingest dv-tcp://HOST:PORT) before it starts."})
public final class CameraCommand implements Callable<Integer> {
    @CommandLine.Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "PATH", description = "A recording, or a data-set folder (N-MNIST, CIFAR10-DVS, class folders).")
    Path data;

    @Option(names = "--serve", defaultValue = "dv-tcp://127.0.0.1:7777", paramLabel = "dv-tcp://HOST:PORT",
            description = "Where to listen (default: ${DEFAULT-VALUE}).")
    String serve;

    @Option(names = "--speed", defaultValue = "1", paramLabel = "X|max", converter = Converters.SpeedConverter.class,
            description = "Multiple of real time, or max (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--gap-ms", defaultValue = "400", paramLabel = "MS", description = "Camera time between recordings (default: ${DEFAULT-VALUE}).")
    long gapMs;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Show at most N recordings of the data set (0: all).")
    int limit;

    @Option(names = "--loop", description = "Start over when every recording was shown (until --duration or Ctrl-C).")
    boolean loop;

    @Option(names = "--packet-us", defaultValue = "1000", paramLabel = "US", description = "Camera time per packet (default: ${DEFAULT-VALUE}).")
    long packetUs;

    @Option(names = "--compression", defaultValue = "lz4", paramLabel = "none|lz4|zstd", description = "Packet compression (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
            description = "Stop after this long (e.g. 30s).")
    Duration duration;

    @Option(names = "--json", description = "Print what was sent as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!serve.startsWith("dv-tcp://") || serve.lastIndexOf(':') <= "dv-tcp://".length()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--serve " + serve + ": expected dv-tcp://HOST:PORT");
        }
        String hostPort = serve.substring("dv-tcp://".length());
        String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
        int port;
        Aedat4Writer.Compression c;
        try {
            port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
            c = Aedat4Writer.Compression.valueOf(compression.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--serve or --compression: " + e.getMessage());
        }
        if (gapMs < 0 || limit < 0 || packetUs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--gap-ms and --limit must be >= 0, --packet-us >= 1");
        }
        PrintWriter err = spec.commandLine().getErr();
        List<Recording> recordings = Recording.load(data, limit);
        CameraTimeline timeline = new CameraTimeline(recordings, System.currentTimeMillis() * 1000, gapMs * 1000, loop);
        long start = System.nanoTime();
        AtomicBoolean stopped = new AtomicBoolean();
        long[] lastLine = {Long.MIN_VALUE / 2, 0};
        try (DvTcpCamera camera = DvTcpCamera.start(host, port, timeline,
                new DvTcpCamera.Options(speed, packetUs, c, "spikestream-camera"), s -> {
                    // at most a line a second: a short recording looped at full speed would flood the terminal
                    long now = System.nanoTime();
                    if (now - lastLine[0] < 1_000_000_000L) {
                        lastLine[1]++;
                        return;
                    }
                    err.printf(Locale.ROOT, "camera: showing %s%s at camera time %d us%s%n", s.recording().id(),
                            s.recording().label() >= 0 ? " (label " + s.recording().label() + ")" : "", s.startUs(),
                            lastLine[1] > 0 ? " (" + lastLine[1] + " more shown since the last line)" : "");
                    err.flush();
                    lastLine[0] = now;
                    lastLine[1] = 0;
                })) {
            err.printf(Locale.ROOT, "camera: %d recording(s) of %s, %s sensor, on %s at %s; waiting for a client%n",
                    recordings.size(), data, timeline.geometry(), camera.uri(),
                    Double.isInfinite(speed) ? "full speed" : speed + "x real time");
            err.flush();
            Thread hook = new Thread(() -> stopped.set(true), "camera-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            long end = duration == null || duration.isZero() ? Long.MAX_VALUE : start + duration.toNanos();
            while (!stopped.get() && System.nanoTime() < end && !camera.awaitDone(100, TimeUnit.MILLISECONDS)) {
                // the camera sends on its own thread
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("events", camera.eventsSent());
            m.put("packets", camera.packetsSent());
            m.put("clients", camera.clients());
            m.put("seconds", Math.round(seconds * 1000) / 1000.0);
            m.put("events_per_s", Math.round(camera.eventsSent() / Math.max(1e-9, seconds)));
            if (json) {
                JsonOut.print(spec.commandLine().getOut(), m);
            } else {
                spec.commandLine().getOut().printf(Locale.ROOT, "%d events in %d packets to %d client(s) in %.2f s%n",
                        camera.eventsSent(), camera.packetsSent(), camera.clients(), seconds);
                spec.commandLine().getOut().flush();
            }
            if (camera.failure() != null) {
                throw new IllegalStateException("the camera stopped: " + camera.failure().getMessage(), camera.failure());
            }
        }
        return SpikestreamCli.EXIT_OK;
    }
}
