package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Prophesee RAW EVT 3.0: after the {@code %} header, 16-bit little-endian words, top 4 bits the type:
 * 0 ADDR_Y (y:11), 2 ADDR_X (pol:1 x:11, one event), 3 VECT_BASE_X (pol:1 x:11), 4 VECT_12 and
 * 5 VECT_8 (a bit mask of events at base x onwards; base x then advances by 12 or 8), 6 TIME_LOW
 * (time bits 11..0), 8 TIME_HIGH (time bits 23..12), 10 EXT_TRIGGER and 12 OTHERS (counted as
 * special), 7 / 15 CONTINUED (payload). The 24-bit time is unwrapped when TIME_HIGH drops by more
 * than half its range, as Metavision's decoder does.
 */
final class Evt3Reader extends StreamReader {
    private static final long HIGH_RANGE = 1L << 12;

    private int y;
    private int baseX;
    private boolean vectOn;
    private long timeLow;
    private long timeHighUnwrapped;
    private long lastHigh = -1;
    private long loops;

    Evt3Reader(Path file, ReadOptions options) {
        this(new FileInput(file), options);
    }

    Evt3Reader(FileInput input, ReadOptions options) {
        super(input, options);
        closing(in, () -> {
            PropheseeHeader h = PropheseeHeader.read(in);
            resolveGeometry(options, h.geometry(), null);
            return null;
        });
    }

    @Override
    public RecordingFormat format() {
        return RecordingFormat.EVT3;
    }

    @Override
    public int read(EventBuffer out, int maxEvents) {
        if (maxEvents <= 0) {
            return 0;
        }
        if (spillPos < spill.size()) {
            return drainSpill(out, maxEvents);
        }
        if (maxEvents < 12) {
            // a VECT_12 word yields up to 12 events: decode into a side buffer and hand out a few
            spill.clear();
            spillPos = 0;
            decode(spill, 12);
            return drainSpill(out, maxEvents);
        }
        return decode(out, maxEvents);
    }

    private final EventBuffer spill = new EventBuffer(StreamReader.SCAN, 16);
    private int spillPos;

    private int drainSpill(EventBuffer out, int maxEvents) {
        int k = Math.min(maxEvents, spill.size() - spillPos);
        for (int i = 0; i < k; i++, spillPos++) {
            out.add(spill.x(spillPos), spill.y(spillPos), spill.on(spillPos), spill.t(spillPos));
        }
        return k;
    }

    /** Decodes whole words while at least 12 more events fit under {@code maxEvents} (≥ 12). */
    private int decode(EventBuffer out, int maxEvents) {
        int n = 0;
        while (n <= maxEvents - 12) {
            if (!in.more(2)) {
                if (in.remaining() > 0 && in.ended()) {
                    throw in.error(in.offset(), in.noun() + " ends inside a 2-byte EVT 3.0 word");
                }
                return n;
            }
            ByteBuffer b = in.buffer(ByteOrder.LITTLE_ENDIAN);
            int p = b.position();
            int end = p + b.remaining() / 2 * 2;
            out.ensureSpace(Math.min(end - p, maxEvents - n));
            while (p < end && n <= maxEvents - 12) {
                int w = b.getShort(p) & 0xFFFF;
                long t = (timeHighUnwrapped << 12) | timeLow;
                switch (w >>> 12) {
                    case 0 -> y = w & 0x7FF;
                    case 2 -> {
                        emit(out, w & 0x7FF, y, (w & 0x800) != 0, t, in.offsetOf(p));
                        n++;
                    }
                    case 3 -> {
                        baseX = w & 0x7FF;
                        vectOn = (w & 0x800) != 0;
                    }
                    case 4 -> n += vector(out, w & 0xFFF, 12, t, in.offsetOf(p));
                    case 5 -> n += vector(out, w & 0xFF, 8, t, in.offsetOf(p));
                    case 6 -> timeLow = w & 0xFFF;
                    case 8 -> {
                        long high = w & 0xFFF;
                        if (lastHigh >= 0 && high < lastHigh && lastHigh - high > HIGH_RANGE / 2) {
                            loops++;
                        }
                        lastHigh = high;
                        timeHighUnwrapped = high + loops * HIGH_RANGE;
                    }
                    case 10, 12 -> special++;
                    default -> {
                        // 7 / 15 CONTINUED and reserved types carry no event of their own
                    }
                }
                p += 2;
            }
            b.position(p);
        }
        return n;
    }

    private int vector(EventBuffer out, int mask, int width, long t, long offset) {
        int k = 0;
        while (mask != 0) {
            int bit = Integer.numberOfTrailingZeros(mask);
            emit(out, baseX + bit, y, vectOn, t, offset);
            mask &= mask - 1;
            k++;
        }
        baseX += width;
        return k;
    }
}
