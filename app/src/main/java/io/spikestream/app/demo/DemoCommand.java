package io.spikestream.app.demo;

import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.bench.BenchCommand;
import io.spikestream.app.cli.CommitIntervalOption;
import io.spikestream.app.cli.Converters;
import io.spikestream.app.cli.DurationConverter;
import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.OutputOption;
import io.spikestream.app.cli.ProgressBar;
import io.spikestream.app.serve.GuaranteeOption;
import io.spikestream.bench.BenchResult;
import io.spikestream.bench.LiveStats;
import io.spikestream.bench.report.Report;
import io.spikestream.events.emulator.EmulationProgress;
import io.spikestream.events.io.FilePaths;
import io.spikestream.ingest.camera.Recording;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

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
    @Mixin
    HelpOption help;

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

    @Option(names = "--warmup", defaultValue = "3s", paramLabel = "W", converter = DurationConverter.class,
            description = "Replay this long first and drain it, unmeasured, to warm the JIT (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--report", defaultValue = "demo-report", paramLabel = "DIR",
            description = "Folder for report.json and report.html (default: ${DEFAULT-VALUE}).")
    Path report;

    @Mixin
    CommitIntervalOption commitInterval;

    @Mixin
    GuaranteeOption guarantee;

    @Option(names = "--json", description = "Print the report's JSON object on stdout instead of the summary table.")
    boolean json;

    @Option(names = "--live", description = {"Live cameras instead of replay: simulated DV cameras stream over DV TCP into",
        "ingest; each recording's decision prints as it arrives (no bench report)."})
    boolean live;

    @Override
    public Integer call() throws Exception {
        OutputOption.check(spec.commandLine(), "--report", report, FilePaths.unwritableDirectory(report));
        DemoRun.Settings settings;
        try {
            settings = new DemoRun.Settings(model, data, digits, seed, cameras, speed, warmup,
                    commitInterval.commitIntervalMs, guarantee.orDefault());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        if (live) {
            return DemoRun.prepared(settings, new DemoListener(err), (model, checkpoint, recordings) ->
                    LiveDemo.run(spec.commandLine(), model, Recording.load(recordings, 0), settings, json));
        }
        long start = System.nanoTime();
        BenchResult result = DemoRun.run(settings, new DemoListener(err));
        Path written = Report.write(report, result);
        if (json) {
            JsonOut.print(spec.commandLine().getOut(), result.toJson());
        } else {
            BenchCommand.printSummary(spec.commandLine().getOut(), result);
        }
        err.printf(Locale.ROOT, "demo: finished in %.0f s; report: %s%n", (System.nanoTime() - start) / 1e9,
                written.toAbsolutePath().getParent().resolve(Report.HTML_FILE));
        err.flush();
        return BenchCommand.failed(err, "demo", result) ? SpikestreamCli.EXIT_FAILURE : SpikestreamCli.EXIT_OK;
    }

    /** One line a second: samples classified, running accuracy, steps used, latency p50/p99; a bar while generating. */
    static final class DemoListener implements DemoRun.Listener {
        private final PrintWriter err;
        private ProgressBar bar;

        DemoListener(PrintWriter err) {
            this.err = err;
        }

        @Override
        public EmulationProgress generatingDigits(int total) {
            bar = new ProgressBar(System.err, "demo: generating moving digits", total, System.console() != null);
            return (events, skipped) -> bar.step(1);
        }

        @Override
        public void digitsGenerated() {
            bar.close();
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
