package io.spikestream.events.io;

import io.spikestream.events.EventBatch;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes N-MNIST {@code .bin} (5 bytes per event, see {@link RecordingFormat#NMNIST}). Timestamps of
 * 2^23 µs and more are written with overflow markers (y = 240, each adding 2^13 µs to later events),
 * inserted as late as possible, so that reading gives back exactly the events written.
 */
public final class NmnistWriter {
    private static final long MAX_RAW = (1 << 23) - 1;

    private NmnistWriter() {
    }

    /**
     * Writes {@code events}; the geometry may be any up to 256×256, but y = 240 is the overflow marker
     * and cannot be an event. The geometry read back is 34×34 when every event fits, else the smallest
     * array that holds them.
     *
     * @throws IllegalArgumentException naming the first event that cannot be written (y = 240, a
     *         negative time, or a time before the overflow markers already written)
     */
    public static void write(Path file, EventBatch events) {
        if (events.geometry().width() > 256 || events.geometry().height() > 256) {
            throw new IllegalArgumentException("N-MNIST .bin holds at most 256x256, not " + events.geometry());
        }
        if (events.isEmpty()) {
            // the format has no header: the file would be empty, and readers refuse empty files as junk
            throw new IllegalArgumentException("cannot write " + file + ": an N-MNIST file with no events would be empty");
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            byte[] buf = new byte[5 * 8192];
            int n = 0;
            long offset = 0;
            for (int i = 0; i < events.size(); i++) {
                int y = events.y(i);
                long t = events.t(i);
                if (y == NmnistReader.OVERFLOW_Y) {
                    throw new IllegalArgumentException("event " + i + ": y = 240 is the N-MNIST overflow marker");
                }
                if (t < offset) {
                    throw new IllegalArgumentException("event " + i + ": timestamp " + t
                            + " µs is before the " + offset + " µs already passed by overflow markers");
                }
                while (t - offset > MAX_RAW) {
                    if (n == buf.length) {
                        os.write(buf, 0, n);
                        n = 0;
                    }
                    buf[n] = 0;
                    buf[n + 1] = (byte) NmnistReader.OVERFLOW_Y;
                    buf[n + 2] = 0;
                    buf[n + 3] = 0;
                    buf[n + 4] = 0;
                    n += 5;
                    offset += NmnistReader.OVERFLOW_STEP;
                }
                if (n == buf.length) {
                    os.write(buf, 0, n);
                    n = 0;
                }
                int raw = (int) (t - offset);
                buf[n] = (byte) events.x(i);
                buf[n + 1] = (byte) y;
                buf[n + 2] = (byte) ((events.on(i) ? 0x80 : 0) | (raw >>> 16));
                buf[n + 3] = (byte) (raw >>> 8);
                buf[n + 4] = (byte) raw;
                n += 5;
            }
            os.write(buf, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
