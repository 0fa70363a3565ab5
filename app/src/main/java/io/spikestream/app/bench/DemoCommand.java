package io.spikestream.app.bench;

import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.ProgressBar;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.emulator.DigitSetGenerator;
import io.spikestream.events.emulator.MovingDigitsProtocol;
import io.spikestream.simulator.bench.BenchConfig;
import io.spikestream.simulator.bench.BenchResult;
import io.spikestream.simulator.bench.LatencyBench;
import io.spikestream.simulator.bench.LiveStats;
import io.spikestream.simulator.replay.ProducerSettings;
import io.spikestream.simulator.replay.RecordingSource;
import io.spikestream.simulator.replay.ReplayConfig;
import io.spikestream.simulator.report.Report;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code spikestream demo}: the whole pipeline in one command. Generates moving-digit recordings
 * (or takes {@code --data}), starts an embedded Kafka broker and the stream app with the bundled
 * model (or {@code --model}), replays the recordings as live cameras, shows the decisions as they
 * arrive, and ends with the bench summary and report.
 */
@Command(name = "demo",
        description = {"Run the whole pipeline on an embedded Kafka broker: self-made moving-digit recordings replayed",
            "as live cameras, classified by the stream app with the bundled BNTT model (models/digits-bntt.ckpt),",
            "with live progress and the bench summary and report at the end. Needs no data and no network."})
public final class DemoCommand implements Callable<Integer> {
    static final String BUNDLED_MODEL = "/models/digits-bntt.ckpt";

    @Mixin
    io.spikestream.app.cli.HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "CKPT",
            description = "Checkpoint to serve (default: the bundled digits model).")
    Path model;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Recordings to replay, any layout the events module reads (default: freshly generated digits).")
    Path data;

    @Option(names = "--digits", defaultValue = "200", paramLabel = "N",
            description = "Moving-digit recordings to generate when --data is not given (default: ${DEFAULT-VALUE}).")
    int digits;

    @Option(names = "--seed", defaultValue = "2026", paramLabel = "S",
            description = {"Seed of the generated digits and the replay order (default: ${DEFAULT-VALUE}; the bundled",
                "model was trained on digits of seed 1, so these are unseen)."})
    long seed;

    @Option(names = "--cameras", defaultValue = "4", paramLabel = "N",
            description = "Concurrent cameras; each replays its share of the recordings once (default: ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--speed", paramLabel = "X|max", defaultValue = "1", converter = Converters.SpeedConverter.class,
            description = "Replay speed as a multiple of real time, or max (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--warmup", defaultValue = "3s", paramLabel = "W", converter = Converters.DurationConverter.class,
            description = "Replay this long first and drain it, unmeasured, to warm the JIT (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--report", defaultValue = "demo-report", paramLabel = "DIR",
            description = "Folder for report.json and report.html (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--commit-interval-ms", defaultValue = "20", paramLabel = "MS",
            description = {"Commit interval of the embedded stream app. Under exactly-once a decision is visible once its",
                "transaction commits, so this bounds part of the latency (default: ${DEFAULT-VALUE}, as serve)."})
    int commitIntervalMs;

    @Option(names = "--json", description = "Print the report's JSON object on stdout instead of the summary table.")
    boolean json;

    @Option(names = "--live", description = "Live cameras instead of replay: simulated DV cameras stream over DV TCP into ingest;"
            + " each recording's decision prints as it arrives.")
    boolean live;

    @Override
    public Integer call() throws Exception {
        if (cameras < 1 || digits < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cameras and --digits must be at least 1");
        }
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        Path temp = Files.createTempDirectory("spikestream-demo-");
        try {
            Path checkpoint = model != null ? model : extractBundledModel(temp);
            BnntModel bnnt = CheckpointCodec.read(checkpoint);
            Path recordings = data != null ? data : generateDigits(temp.resolve("digits"), err);
            if (live) {
                return io.spikestream.app.ingest.LiveDemo.run(spec.commandLine(), bnnt,
                        io.spikestream.app.ingest.CameraCommand.load(recordings, 0), cameras, speed, commitIntervalMs, warmup, seed, json);
            }
            RecordingSource source = RecordingSource.open(recordings, DatasetKind.AUTO);
            err.printf(Locale.ROOT, "demo: model %s (%s, T = %d); %s%n", bnnt.modelId(), bnnt.spec().architecture(),
                    bnnt.spec().timesteps(), source.describe());
            err.println("demo: starting an embedded Kafka broker and the stream app");
            BenchResult result;
            DemoListener listener = new DemoListener(err);
            try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(bnnt, Math.max(4, cameras), 1, commitIntervalMs)) {
                ReplayConfig replay = new ReplayConfig("dvs-events", cameras, speed, false, null, 5_000, 4096, 0, 0,
                        true, seed, "demo-");
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("embedded", true);
                extra.put("demo", true);
                extra.put("data_generated", data == null);
                extra.put("commit_interval_ms", commitIntervalMs);
                BenchConfig config = new BenchConfig(source, replay, ProducerSettings.defaults(pipeline.bootstrapServers()),
                        List.of(cameras), warmup, Duration.ofSeconds(30), BenchConfig.DEFAULT_P99_BOUND_MS,
                        "classifications", Math.max(4, cameras), ModelInfos.of(bnnt, checkpoint), extra);
                result = LatencyBench.run(config, listener);
            }
            Path written = Report.write(report, result);
            if (json) {
                JsonOut.print(spec.commandLine().getOut(), result.toJson());
            } else {
                BenchCommand.printSummary(spec.commandLine().getOut(), result);
            }
            err.printf(Locale.ROOT, "demo: finished in %.0f s; report: %s%n", (System.nanoTime() - start) / 1e9,
                    written.toAbsolutePath().getParent().resolve(Report.HTML_FILE));
            err.flush();
            if (!result.exactlyOnce()) {
                err.printf(Locale.ROOT, "demo: error: expected %d classifications, got %d (%d duplicates, %d missing)%n",
                        result.expected(), result.classified(), result.duplicates(), result.missing());
                return SpikestreamCli.EXIT_FAILURE;
            }
            return SpikestreamCli.EXIT_OK;
        } finally {
            deleteTree(temp);
        }
    }

    private Path generateDigits(Path out, PrintWriter err) {
        try (ProgressBar bar = new ProgressBar(System.err, "demo: generating moving digits", digits,
                System.console() != null)) {
            // every recording goes to Test/: all are held out from the bundled model's training
            DigitSetGenerator.generate(out, digits, 0.0, MovingDigitsProtocol.defaults(), seed,
                    Math.max(1, Runtime.getRuntime().availableProcessors()), (events, skipped) -> bar.step(1));
        }
        return out;
    }

    static Path extractBundledModel(Path dir) {
        try (InputStream in = DemoCommand.class.getResourceAsStream(BUNDLED_MODEL)) {
            if (in == null) {
                throw new IllegalStateException("the bundled model " + BUNDLED_MODEL
                        + " is missing from this build; pass --model CKPT");
            }
            Path file = dir.resolve("digits-bntt.ckpt");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the bundled model: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }

    /** One line a second: samples classified, running accuracy, steps used, latency p50/p99. */
    static final class DemoListener implements io.spikestream.simulator.bench.BenchListener {
        private final PrintWriter err;

        DemoListener(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void message(String text) {
            err.println("demo: " + text);
            err.flush();
        }

        @Override
        public void decisions(LiveStats s) {
            err.printf(Locale.ROOT, "demo: %d cameras | classified %d/%d | accuracy %s | steps %s | latency p50 %s p99 %s%n",
                    s.cameras(), s.classified(), s.expected(), pct(s.accuracy()), num(s.meanSteps(), "%.2f"),
                    num(s.p50Ms(), "%.1f ms"), num(s.p99Ms(), "%.1f ms"));
            err.flush();
        }

        private static String pct(double v) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
        }

        private static String num(double v, String fmt) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, fmt, v);
        }
    }
}
