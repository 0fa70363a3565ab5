package io.spikestream.app.events;

import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.OutputOption;
import io.spikestream.app.cli.ProgressBar;
import io.spikestream.events.io.FilePaths;
import io.spikestream.events.io.RecordingFormat;
import io.spikestream.events.io.RecordingInspection;
import io.spikestream.events.io.RecordingStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code spikestream events inspect FILE}: decode a recording and report what is in it. */
@Command(name = "inspect",
        description = {"Decode a recording and report its format, geometry, counts, ranges, times and the canonical checksum.",
            "Formats: aedat1, aedat2, aedat3, aedat4, nmnist, evt2, evt3, dat (detected from the header, then the extension)."})
public final class InspectCommand implements Callable<Integer> {
    /** Files above this size show a progress bar on stderr. */
    private static final long PROGRESS_BYTES = 64L << 20;

    @CommandLine.Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The recording.")
    Path file;

    @Option(names = "--format", paramLabel = "F", converter = FormatConverter.class,
            description = "Read as this format instead of detecting it: aedat1, aedat2, aedat3, aedat4, nmnist, evt2, evt3, dat.")
    RecordingFormat format;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Option(names = "--png", paramLabel = "OUT",
            description = "Write a PNG of the accumulated events: ON green, OFF magenta, brightness by count.")
    Path png;

    static final class FormatConverter implements CommandLine.ITypeConverter<RecordingFormat> {
        @Override
        public RecordingFormat convert(String value) {
            try {
                return RecordingFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() throws IOException {
        if (png != null) {
            OutputOption.check(spec.commandLine(), "--png", png, FilePaths.unwritable(png, false));
        }
        RecordingInspection r;
        long size = Files.isRegularFile(file) ? Files.size(file) : 0;
        try (ProgressBar bar = size > PROGRESS_BYTES ? new ProgressBar("inspect", size) : null) {
            long[] last = {0};
            r = RecordingInspection.of(file, format, png != null, pos -> {
                if (bar != null) {
                    bar.step(pos - last[0]);
                    last[0] = pos;
                }
            });
        }
        if (png != null) {
            r.writePng(png);
        }
        if (json) {
            JsonOut.print(spec.commandLine().getOut(), toJson(r));
        } else {
            print(r);
        }
        return 0;
    }

    private static Map<String, Object> toJson(RecordingInspection r) {
        RecordingStats stats = r.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", r.format().id());
        m.put("width", r.geometry().width());
        m.put("height", r.geometry().height());
        m.put("events", stats.events());
        m.put("on", stats.on());
        m.put("special", r.specialEvents());
        m.put("x_min", stats.xMin());
        m.put("x_max", stats.xMax());
        m.put("y_min", stats.yMin());
        m.put("y_max", stats.yMax());
        m.put("t_first_us", stats.tFirst());
        m.put("t_last_us", stats.tLast());
        m.put("duration_us", r.durationUs());
        m.put("mean_rate_events_per_s", Math.round(r.meanRatePerSecond() * 10) / 10.0);
        m.put("checksum", stats.checksum());
        return m;
    }

    private void print(RecordingInspection r) {
        RecordingStats stats = r.stats();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "file        %s%n", file);
        out.printf(Locale.ROOT, "format      %s%n", r.format().id());
        out.printf(Locale.ROOT, "geometry    %d x %d%n", r.geometry().width(), r.geometry().height());
        out.printf(Locale.ROOT, "events      %d polarity (%d ON, %d OFF), %d special%n", stats.events(), stats.on(),
                stats.events() - stats.on(), r.specialEvents());
        if (stats.events() > 0) {
            out.printf(Locale.ROOT, "x           %d .. %d%n", stats.xMin(), stats.xMax());
            out.printf(Locale.ROOT, "y           %d .. %d%n", stats.yMin(), stats.yMax());
            out.printf(Locale.ROOT, "time        %d .. %d us (first .. last event)%n", stats.tFirst(), stats.tLast());
            out.printf(Locale.ROOT, "duration    %.6f s%n", r.durationUs() / 1e6);
            out.printf(Locale.ROOT, "mean rate   %.1f events/s%n", r.meanRatePerSecond());
        }
        if (r.timestampRegressions() > 0) {
            out.printf(Locale.ROOT, "backwards   %d events have a timestamp below their predecessor's%n",
                    r.timestampRegressions());
        }
        out.printf(Locale.ROOT, "checksum    %s%n", stats.checksum());
        if (png != null) {
            out.printf(Locale.ROOT, "image       %s%n", png);
        }
        out.flush();
    }
}
