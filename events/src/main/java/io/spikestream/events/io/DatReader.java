package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Prophesee DAT: {@code %} header lines, then (from version 1 on, i.e. whenever the header has a
 * {@code % Version} line) one byte event type and one byte event size, then little-endian events of
 * that size: uint32 µs timestamp, uint32 {@code x:14 y:14 p:4} (bits 13..0, 27..14, 31..28; ON when bit
 * 28 is set, as in Prophesee's own loader). Only CD/TD event files (type 0 or 12, size 8) hold polarity events. Without a geometry in the
 * header, ATIS 304×240 (N-CARS) is assumed when every event fits.
 */
final class DatReader extends StreamReader {
    static final SensorGeometry ATIS = new SensorGeometry(304, 240);
    private static final long HALF = 1L << 31;

    private final int eventSize;
    private long lastRaw = -1;
    private long wrapOffset;

    DatReader(Path file, ReadOptions options) {
        super(new FileInput(file), options);
        this.eventSize = closing(in, () -> {
            PropheseeHeader h = PropheseeHeader.read(in);
            int size = 8;
            if (h.value("Version") != null) {
                if (!in.ensure(2)) {
                    if (in.remaining() == 0) {
                        resolveGeometry(options, h.geometry(), ATIS);
                        return 8; // header-only file
                    }
                    throw in.error(in.offset(), "file ends inside the event type and size bytes");
                }
                ByteBuffer b = in.buffer();
                int type = b.get(b.position()) & 0xFF;
                size = b.get(b.position() + 1) & 0xFF;
                if (type != 0 && type != 12) {
                    throw in.error(in.offset(), "DAT event type " + type + " holds no CD (polarity) events");
                }
                if (size != 8) {
                    throw in.error(in.offset() + 1, "DAT event size " + size + " (CD events are 8 bytes)");
                }
                b.position(b.position() + 2);
            }
            resolveGeometry(options, h.geometry(), ATIS);
            return size;
        });
    }

    @Override
    public RecordingFormat format() {
        return RecordingFormat.DAT;
    }

    @Override
    public int read(EventBuffer out, int maxEvents) {
        int n = 0;
        while (n < maxEvents) {
            if (!in.ensure(eventSize)) {
                if (in.remaining() > 0) {
                    throw in.error(in.offset(), "file ends inside an event (" + in.remaining() + " of "
                            + eventSize + " bytes)");
                }
                return n;
            }
            ByteBuffer b = in.buffer(ByteOrder.LITTLE_ENDIAN);
            int chunk = Math.min(b.remaining() / eventSize, maxEvents - n);
            out.ensureSpace(chunk);
            int p = b.position();
            int end = p + chunk * eventSize;
            for (; p < end; p += eventSize) {
                long raw = b.getInt(p) & 0xFFFFFFFFL;
                if (raw < lastRaw && lastRaw - raw > HALF) {
                    wrapOffset += 1L << 32;
                }
                lastRaw = raw;
                int a = b.getInt(p + 4);
                emit(out, a & 0x3FFF, (a >>> 14) & 0x3FFF, (a & 0x10000000) != 0, raw + wrapOffset, in.offsetOf(p));
            }
            b.position(end);
            n += chunk;
        }
        return n;
    }
}
