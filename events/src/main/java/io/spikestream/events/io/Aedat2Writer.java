package io.spikestream.events.io;

import io.spikestream.events.EventBatch;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes jAER AEDAT 2.0 in the DVS128 convention, the format of CIFAR10-DVS: a jAER header naming the
 * DVS128 chip, then per event a big-endian address {@code ((127 − x) << 1) | (y << 8) | (ON ? 0 : 1)}
 * and the timestamp as unsigned 32-bit µs. {@link Recordings#readAll} gives back exactly the events
 * written, with geometry 128×128.
 */
public final class Aedat2Writer {
    static final String HEADER = "#!AER-DAT2.0\r\n"
            + "# This is a raw AE data file - do not edit\r\n"
            + "# Data format is int32 address, int32 timestamp (8 bytes total), repeated for each event\r\n"
            + "# Timestamps tick is 1 us\r\n"
            + "# created by spikestream\r\n"
            + "# AEChip: ch.unizh.ini.jaer.chip.retina.DVS128\r\n"
            + "#!END-HEADER\r\n";

    private Aedat2Writer() {
    }

    /**
     * Writes {@code events} (geometry at most 128×128). Timestamps must be representable so that they
     * read back unchanged: non-negative, and any step backwards smaller than 2^31 µs (a larger one
     * would read as a counter wrap); values past 2^32 are written modulo 2^32 and unwrapped on reading
     * when the recording advances in steps under 2^31 µs.
     *
     * @throws IllegalArgumentException naming the first event that cannot be written
     */
    public static void write(Path file, EventBatch events) {
        if (events.geometry().width() > 128 || events.geometry().height() > 128) {
            throw new IllegalArgumentException("AEDAT 2.0 DVS128 convention holds at most 128x128, not " + events.geometry());
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            os.write(HEADER.getBytes(StandardCharsets.US_ASCII));
            ByteBuffer buf = ByteBuffer.allocate(8 * 8192).order(ByteOrder.BIG_ENDIAN);
            long lastRaw = -1;
            long wrap = 0;
            for (int i = 0; i < events.size(); i++) {
                long t = events.t(i);
                if (t < 0) {
                    throw new IllegalArgumentException("event " + i + ": negative timestamp " + t + " µs");
                }
                long raw = t & 0xFFFFFFFFL;
                // replay the reader's unwrapping to guarantee a bit-exact read-back
                long w = wrap;
                if (raw < lastRaw && lastRaw - raw > (1L << 31)) {
                    w += 1L << 32;
                }
                if (raw + w != t) {
                    throw new IllegalArgumentException("event " + i + ": timestamp " + t
                            + " µs cannot be written so that it reads back unchanged (32-bit counter)");
                }
                wrap = w;
                lastRaw = raw;
                int a = ((127 - events.x(i)) << 1) | (events.y(i) << 8) | (events.on(i) ? 0 : 1);
                buf.putInt(a).putInt((int) raw);
                if (!buf.hasRemaining()) {
                    os.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
            }
            os.write(buf.array(), 0, buf.position());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
