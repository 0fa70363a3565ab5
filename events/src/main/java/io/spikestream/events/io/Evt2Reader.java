package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Prophesee RAW EVT 2.0: after the {@code %} header, 32-bit little-endian words whose top 4 bits are
 * the type: 0 CD_OFF / 1 CD_ON ({@code t_low:6 x:11 y:11}), 8 EVT_TIME_HIGH (bits 27..0 = time >> 6),
 * 10 EXT_TRIGGER and 14 OTHERS (counted as special), 15 CONTINUED (payload of the previous word).
 * Events before the first TIME_HIGH use time high 0. The 34-bit time is unwrapped when TIME_HIGH
 * drops by more than half its range.
 */
final class Evt2Reader extends StreamReader {
    private static final long HIGH_RANGE = 1L << 28;

    private long timeHigh;
    private long lastHigh = -1;
    private long highWraps;

    Evt2Reader(Path file, ReadOptions options) {
        this(new FileInput(file), options);
    }

    Evt2Reader(FileInput input, ReadOptions options) {
        super(input, options);
        closing(in, () -> {
            PropheseeHeader h = PropheseeHeader.read(in);
            resolveGeometry(options, h.geometry(), null);
            return null;
        });
    }

    @Override
    public RecordingFormat format() {
        return RecordingFormat.EVT2;
    }

    @Override
    public int read(EventBuffer out, int maxEvents) {
        int n = 0;
        while (n < maxEvents) {
            if (!in.more(4)) {
                if (in.remaining() > 0 && in.ended()) {
                    throw in.error(in.offset(), in.noun() + " ends inside a 4-byte EVT 2.0 word");
                }
                return n;
            }
            ByteBuffer b = in.buffer(ByteOrder.LITTLE_ENDIAN);
            int p = b.position();
            int end = p + b.remaining() / 4 * 4;
            out.ensureSpace(Math.min((end - p) / 4, maxEvents - n));
            while (p < end && n < maxEvents) {
                int w = b.getInt(p);
                int type = w >>> 28;
                switch (type) {
                    case 0, 1 -> {
                        long t = (timeHigh << 6) | ((w >>> 22) & 0x3F);
                        emit(out, (w >>> 11) & 0x7FF, w & 0x7FF, type == 1, t, in.offsetOf(p));
                        n++;
                    }
                    case 8 -> {
                        long high = w & 0x0FFFFFFFL;
                        if (lastHigh >= 0 && high < lastHigh && lastHigh - high > HIGH_RANGE / 2) {
                            highWraps++;
                        }
                        lastHigh = high;
                        timeHigh = high + highWraps * HIGH_RANGE;
                    }
                    case 10, 14 -> special++;
                    default -> {
                        // 15 CONTINUED and reserved types carry no event of their own
                    }
                }
                p += 4;
            }
            b.position(p);
        }
        return n;
    }
}
