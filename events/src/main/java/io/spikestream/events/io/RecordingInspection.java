package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongConsumer;
import javax.imageio.ImageIO;

/**
 * What {@code events inspect} reports about one recording: format, geometry, the {@link RecordingStats},
 * special events and timestamp regressions, and, when asked for, the ON and OFF event count per pixel
 * (row-major, {@code y * width + x}) from which {@link #writePng} draws an image.
 *
 * @param onCounts  ON events per pixel; null unless pixel counts were asked for
 * @param offCounts OFF events per pixel; null unless pixel counts were asked for
 */
public record RecordingInspection(Path file, RecordingFormat format, SensorGeometry geometry, RecordingStats stats,
                                  long specialEvents, long timestampRegressions, int[] onCounts, int[] offCounts) {

    /** Largest sensor whose pixels are counted (the header's geometry is untrusted input). */
    public static final long MAX_PIXELS = 1L << 24;
    private static final int CHUNK = 1 << 16;

    /**
     * Reads a whole recording.
     *
     * @param format      null: detect it from the header, then the extension
     * @param countPixels also count events per pixel (for {@link #writePng})
     * @param progress    told the file position reached (bytes) after every chunk of events
     * @throws IllegalArgumentException when pixels are to be counted on a sensor larger than {@link #MAX_PIXELS}
     */
    public static RecordingInspection of(Path file, RecordingFormat format, boolean countPixels, LongConsumer progress) {
        FilePaths.requireReadable(file);
        RecordingFormat f = format != null ? format : Recordings.detect(file);
        RecordingStats stats = new RecordingStats();
        try (RecordingReader r = Recordings.open(file, f)) {
            SensorGeometry g = r.geometry();
            int[] on = null;
            int[] off = null;
            if (countPixels) {
                if ((long) g.width() * g.height() > MAX_PIXELS) {
                    throw new IllegalArgumentException("cannot render a " + g + " sensor as PNG (more than "
                            + MAX_PIXELS + " pixels)");
                }
                on = new int[g.width() * g.height()];
                off = new int[on.length];
            }
            EventBuffer buf = new EventBuffer(g, CHUNK);
            while (true) {
                buf.clear();
                if (r.read(buf, CHUNK) == 0) {
                    break;
                }
                stats.add(buf);
                if (on != null) {
                    accumulate(buf, g.width(), on, off);
                }
                progress.accept(r.position());
            }
            return new RecordingInspection(file, f, g, stats, r.specialEvents(), r.timestampRegressions(), on, off);
        }
    }

    /** Last minus first event time (µs, by value), 0 without events. */
    public long durationUs() {
        return stats.events() == 0 ? 0 : stats.tMax() - stats.tMin();
    }

    /** Events per second over {@link #durationUs()}, 0 when it is 0. */
    public double meanRatePerSecond() {
        long d = durationUs();
        return d > 0 ? stats.events() / (d / 1e6) : 0.0;
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

    /**
     * A PNG of the accumulated events: ON green, OFF magenta, brightness by count. Brightness saturates at
     * the 99th percentile of non-zero counts so that a few hot pixels do not blank the rest.
     *
     * @throws IllegalStateException when the pixels were not counted
     */
    public void writePng(Path out) {
        if (onCounts == null) {
            throw new IllegalStateException("pixels were not counted for " + file);
        }
        int clip = Math.max(percentile99(onCounts), percentile99(offCounts));
        BufferedImage img = new BufferedImage(geometry.width(), geometry.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < geometry.height(); y++) {
            for (int x = 0; x < geometry.width(); x++) {
                int k = y * geometry.width() + x;
                int a = scale(onCounts[k], clip);
                int b = scale(offCounts[k], clip);
                img.setRGB(x, y, (b << 16) | (a << 8) | b);
            }
        }
        // through our own stream: ImageIO's file output prints a stack trace of its own when it cannot open
        // the file; and no folder is created, a missing one is the caller's error
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out))) {
            if (!ImageIO.write(img, "png", os)) {
                throw new IOException("no PNG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + FilePaths.reason(e), e);
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
