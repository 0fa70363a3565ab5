package io.spikestream.app.events;

import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.OutputOption;
import io.spikestream.app.cli.ProgressBar;
import io.spikestream.events.emulator.Cifar10DvsProtocol;
import io.spikestream.events.emulator.DatasetStats;
import io.spikestream.events.emulator.DigitSetGenerator;
import io.spikestream.events.emulator.EmulationProgress;
import io.spikestream.events.emulator.EmulationSummary;
import io.spikestream.events.emulator.ImageSetEmulator;
import io.spikestream.events.emulator.MovingDigitsProtocol;
import io.spikestream.events.emulator.Skipped;
import io.spikestream.events.io.FilePaths;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code spikestream events emulate}: images → CIFAR10-DVS-style recordings, or the self-made
 * moving-digits data set in the N-MNIST layout. The pixel model and protocols are described in
 * events/EMULATOR.md.
 */
@Command(name = "emulate",
        description = {"Emulate a DVS recording images the way CIFAR10-DVS was made (images moving on a monitor in front of a 128x128 DVS),",
            "or generate the self-made moving-digits data set (N-MNIST layout, 34x34, three saccades) that needs no external data.",
            "Deterministic for a seed, whatever the thread count."})
public final class EmulateCommand implements Callable<Integer> {
    @CommandLine.Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final class Source {
        @Option(names = "--images", paramLabel = "DIR",
                description = "Images in class folders (<class>/*.jpg|png) to emulate into <out>/<class>/cifar10_<class>_<i>.aedat.")
        Path images;

        @Option(names = "--digits", paramLabel = "N",
                description = "Generate N moving-digit recordings into <out>/Train/<digit>/NNNNN.bin and <out>/Test/<digit>/NNNNN.bin.")
        Integer digits;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder (created when missing).")
    Path out;

    @Option(names = "--protocol", paramLabel = "P", defaultValue = "cifar10-dvs",
            description = "Recording protocol for --images: cifar10-dvs (default).")
    String protocol;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the sensor pattern and the noise (default 1).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: available processors).")
    Integer threads;

    @Option(names = "--limit-per-class", paramLabel = "K", defaultValue = "0",
            description = "Emulate only the first K images of each class (0 = all).")
    int limitPerClass;

    @Option(names = "--train-fraction", paramLabel = "F", defaultValue = "0.9",
            description = "With --digits: fraction of each digit's recordings that go to Train (default 0.9).")
    double trainFraction;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        OutputOption.check(spec.commandLine(), "--out", out, FilePaths.unwritableDirectory(out));
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (workers < 1 || workers > 1024) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be in 1..1024, not " + workers);
        }
        if (limitPerClass < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit-per-class must not be negative");
        }
        if (!"cifar10-dvs".equals(protocol.toLowerCase(Locale.ROOT))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown --protocol " + protocol + " (known: cifar10-dvs)");
        }
        if (source.digits != null && (source.digits < 1 || source.digits > 10_000_000)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--digits must be in 1..10000000, not " + source.digits);
        }
        if (!(trainFraction >= 0 && trainFraction <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--train-fraction must be in 0..1");
        }
        PrintWriter err = spec.commandLine().getErr();
        EmulationSummary summary;
        Map<String, Object> extra = new LinkedHashMap<>();
        if (source.images != null) {
            ImageSetEmulator.Plan plan = ImageSetEmulator.plan(source.images, limitPerClass);
            try (ProgressBar bar = bar(err, "emulate", plan.items().size())) {
                summary = ImageSetEmulator.run(plan, out, Cifar10DvsProtocol.defaults(), seed, workers, progress(bar));
            }
            extra.put("protocol", "cifar10-dvs");
        } else {
            try (ProgressBar bar = bar(err, "digits", source.digits)) {
                summary = DigitSetGenerator.generate(out, source.digits, trainFraction, MovingDigitsProtocol.defaults(),
                        seed, workers, progress(bar));
            }
            List<DigitSetGenerator.Item> plan = DigitSetGenerator.plan(source.digits, trainFraction);
            extra.put("protocol", "moving-digits");
            extra.put("train", plan.stream().filter(DigitSetGenerator.Item::train).count());
            extra.put("test", plan.stream().filter(i -> !i.train()).count());
        }
        report(summary, extra);
        return summary.recordings() > 0 || source.images == null ? 0 : 1;
    }

    private void report(EmulationSummary s, Map<String, Object> extra) {
        PrintWriter outWriter = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Skipped k : s.skipped()) {
            err.println("skipped " + k.path() + ": " + k.reason());
        }
        if (s.recordings() == 0) {
            err.println("no recordings written: every input was skipped");
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("recordings", s.recordings());
            m.put("events", s.events());
            m.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
            m.put("cpu_seconds", Math.round(s.cpuSeconds() * 1000) / 1000.0);
            m.put("recordings_per_cpu_s", s.cpuSeconds() > 0 ? Math.round(s.recordings() / s.cpuSeconds() * 10) / 10.0 : null);
            m.put("skipped", s.skipped().size());
            m.put("skipped_files", s.skipped().stream().map(k -> Map.of("file", k.path(), "reason", k.reason())).toList());
            m.put("stats", statsJson(s.stats()));
            m.put("out", out.toAbsolutePath().normalize().toString());
            m.put("seed", seed);
            m.putAll(extra);
            JsonOut.print(outWriter, m);
        } else {
            outWriter.printf(Locale.ROOT, "%d recordings, %d events in %.1f s (%.1f recordings/s, %.1f per CPU second); "
                    + "%d inputs skipped; written to %s%n", s.recordings(), s.events(), s.seconds(),
                    s.recordings() / Math.max(1e-9, s.seconds()), s.recordings() / Math.max(1e-9, s.cpuSeconds()),
                    s.skipped().size(), out.toAbsolutePath().normalize());
            outWriter.flush();
        }
        err.flush();
    }

    private static Map<String, Object> statsJson(DatasetStats.Summary st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events_mean", Math.round(st.meanEvents()));
        m.put("events_sd", Math.round(st.sdEvents()));
        m.put("events_min", st.minEvents());
        m.put("events_max", st.maxEvents());
        m.put("on_fraction", round(st.onFraction()));
        m.put("duration_ms_mean", round(st.meanDurationMs()));
        m.put("duration_ms_min", round(st.minDurationMs()));
        m.put("duration_ms_max", round(st.maxDurationMs()));
        m.put("events_per_s_mean", Math.round(st.meanEventRatePerS()));
        m.put("active_pixel_fraction_mean", round(st.meanActivePixelFraction()));
        m.put("x_sd_mean", round(st.meanSdX()));
        m.put("y_sd_mean", round(st.meanSdY()));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static EmulationProgress progress(ProgressBar bar) {
        AtomicLong events = new AtomicLong();
        return (ev, skipped) -> bar.step(1, String.format(Locale.ROOT, "%,d events", events.addAndGet(ev)));
    }

    /** The shared progress bar, drawn on this command's stderr so that tests can capture it. */
    private static ProgressBar bar(PrintWriter err, String title, long total) {
        return ProgressBar.on(err, title, total);
    }
}
