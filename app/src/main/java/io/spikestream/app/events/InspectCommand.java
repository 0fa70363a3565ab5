package io.spikestream.app.events;

import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.ProgressBar;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.RecordingFormat;
import io.spikestream.events.io.RecordingReader;
import io.spikestream.events.io.RecordingStats;
import io.spikestream.events.io.Recordings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spikestream events inspect FILE}: decode a recording and report what is in it. */
@Command(name = "inspect",
        description = {"Decode a recording and report its format, geometry, counts, ranges, times and the canonical checksum.",
            "Formats: aedat1, aedat2, aedat3, aedat4, nmnist, evt2, evt3, dat (detected from the header, then the extension)."})
public final class InspectCommand implements Callable<Integer> {
    /** Files above this size show a progress bar on stderr. */
    private static final long PROGRESS_BYTES = 64L << 20;
    /** Largest image --png renders (the header's geometry is untrusted input). */
    private static final long MAX_PNG_PIXELS = 1L << 24;

    @CommandLine.Mixin
    io.spikestream.app.cli.HelpOption help;

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
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException(new IOException("no such file: " + file));
        }
        RecordingFormat f = format != null ? format : Recordings.detect(file);
        RecordingStats stats = new RecordingStats();
        long special;
        long regressions;
        SensorGeometry geometry;
        int[] onCount = null;
        int[] offCount = null;
        try (RecordingReader r = Recordings.open(file, f);
                ProgressBar bar = Files.size(file) > PROGRESS_BYTES ? new ProgressBar("inspect", Files.size(file)) : null) {
            geometry = r.geometry();
            if (png != null) {
                if ((long) geometry.width() * geometry.height() > MAX_PNG_PIXELS) {
                    throw new IllegalArgumentException("cannot render a " + geometry + " sensor as PNG (more than "
                            + MAX_PNG_PIXELS + " pixels)");
                }
                onCount = new int[geometry.width() * geometry.height()];
                offCount = new int[onCount.length];
            }
            EventBuffer buf = new EventBuffer(geometry, 1 << 16);
            long lastPos = 0;
            while (true) {
                buf.clear();
                int n = r.read(buf, 1 << 16);
                if (n == 0) {
                    break;
                }
                stats.add(buf);
                if (onCount != null) {
                    accumulate(buf, geometry.width(), onCount, offCount);
                }
                if (bar != null) {
                    long pos = r.position();
                    bar.step(pos - lastPos);
                    lastPos = pos;
                }
            }
            special = r.specialEvents();
            regressions = r.timestampRegressions();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (png != null) {
            writePng(png, geometry, onCount, offCount);
        }
        long duration = stats.tMax() - stats.tMin();
        double rate = duration > 0 ? stats.events() / (duration / 1e6) : 0.0;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", f.id());
            m.put("width", geometry.width());
            m.put("height", geometry.height());
            m.put("events", stats.events());
            m.put("on", stats.on());
            m.put("special", special);
            m.put("x_min", stats.xMin());
            m.put("x_max", stats.xMax());
            m.put("y_min", stats.yMin());
            m.put("y_max", stats.yMax());
            m.put("t_first_us", stats.tFirst());
            m.put("t_last_us", stats.tLast());
            m.put("duration_us", duration);
            m.put("mean_rate_events_per_s", Math.round(rate * 10) / 10.0);
            m.put("checksum", stats.checksum());
            JsonOut.print(out, m);
        } else {
            out.printf(Locale.ROOT, "file        %s%n", file);
            out.printf(Locale.ROOT, "format      %s%n", f.id());
            out.printf(Locale.ROOT, "geometry    %d x %d%n", geometry.width(), geometry.height());
            out.printf(Locale.ROOT, "events      %d polarity (%d ON, %d OFF), %d special%n", stats.events(), stats.on(),
                    stats.events() - stats.on(), special);
            if (stats.events() > 0) {
                out.printf(Locale.ROOT, "x           %d .. %d%n", stats.xMin(), stats.xMax());
                out.printf(Locale.ROOT, "y           %d .. %d%n", stats.yMin(), stats.yMax());
                out.printf(Locale.ROOT, "time        %d .. %d us (first .. last event)%n", stats.tFirst(), stats.tLast());
                out.printf(Locale.ROOT, "duration    %.6f s%n", duration / 1e6);
                out.printf(Locale.ROOT, "mean rate   %.1f events/s%n", rate);
            }
            if (regressions > 0) {
                out.printf(Locale.ROOT, "backwards   %d events have a timestamp below their predecessor's%n", regressions);
            }
            out.printf(Locale.ROOT, "checksum    %s%n", stats.checksum());
            if (png != null) {
                out.printf(Locale.ROOT, "image       %s%n", png);
            }
            out.flush();
        }
        return 0;
    }

    private static void accumulate(EventBuffer buf, int width, int[] on, int[] off) {
        for (int i = 0; i < buf.size(); i++) {
            int k = buf.y(i) * width + buf.x(i);
            if (buf.on(i)) {
                on[k]++;
            } else {
                off[k]++;
            }
        }
    }

    /** Brightness saturates at the 99th percentile of non-zero counts so that a few hot pixels do not blank the rest. */
    static void writePng(Path out, SensorGeometry g, int[] on, int[] off) {
        int clip = Math.max(percentile99(on), percentile99(off));
        BufferedImage img = new BufferedImage(g.width(), g.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < g.height(); y++) {
            for (int x = 0; x < g.width(); x++) {
                int k = y * g.width() + x;
                int a = scale(on[k], clip);
                int b = scale(off[k], clip);
                img.setRGB(x, y, (b << 16) | (a << 8) | b);
            }
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(img, "png", out.toFile())) {
                throw new IOException("no PNG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    private static int scale(int count, int clip) {
        return count == 0 ? 0 : (int) Math.min(255, 40 + 215L * count / clip);
    }

    private static int percentile99(int[] counts) {
        int[] nz = Arrays.stream(counts).filter(c -> c > 0).sorted().toArray();
        return nz.length == 0 ? 1 : Math.max(1, nz[(int) Math.min(nz.length - 1, Math.floor(nz.length * 0.99))]);
    }
}
