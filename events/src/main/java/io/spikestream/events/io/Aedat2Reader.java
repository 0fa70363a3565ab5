package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * jAER AEDAT 2.0 (8-byte events: big-endian int32 address, int32 µs timestamp) and AEDAT 1.0
 * (6-byte events: int16 address, int32 timestamp), after {@code #} header lines.
 *
 * <p>Address layouts follow jAER's extractors, chosen by the {@code # AEChip:} header line:
 * <ul>
 * <li>DVS128 (default, and every AEDAT 1.0 file): bit 15 or bit 31 set = special event;
 *     {@code x = 127 − ((a >> 1) & 0x7F)}, {@code y = (a >> 8) & 0x7F}, ON when bit 0 is 0.</li>
 * <li>DAVIS240 (240×180) and DAVIS346 (346×260): bit 31 set = APS/IMU sample, bit 10 set =
 *     external input; both counted as special. DVS events: {@code x = W − 1 − ((a >> 12) & 0x3FF)},
 *     {@code y = (a >> 22) & 0x1FF}, ON when bit 11 is 1.</li>
 * </ul>
 * Timestamps are unsigned 32-bit µs; a drop of more than 2^31 is a counter wrap and adds 2^32.
 */
final class Aedat2Reader extends StreamReader {

    /** jAER address layouts. */
    enum Layout {
        DVS128(SensorGeometry.DVS128),
        DAVIS240(new SensorGeometry(240, 180)),
        DAVIS346(new SensorGeometry(346, 260));

        final SensorGeometry geometry;

        Layout(SensorGeometry geometry) {
            this.geometry = geometry;
        }

        /** From the class name in {@code # AEChip:}; null chip means DVS128. */
        static Layout fromChip(String chip, FileInput in) {
            if (chip == null) {
                return DVS128;
            }
            String c = chip.toLowerCase(Locale.ROOT);
            if (c.contains("davis346") || c.contains("davis_346")) {
                return DAVIS346;
            }
            if (c.contains("davis240") || c.contains("sbret10") || c.contains("davis_240")) {
                return DAVIS240;
            }
            if (c.contains("davis")) {
                throw in.error(0, "unsupported AEChip '" + chip
                        + "' (supported: DVS128 and its variants, DAVIS240, DAVIS346)");
            }
            return DVS128;
        }
    }

    private static final long WRAP = 1L << 32;
    private static final long HALF = 1L << 31;

    private final RecordingFormat format;
    private final Layout layout;
    private final int eventSize;
    private final List<String> header;

    private long lastRaw = -1;
    private long wrapOffset;

    Aedat2Reader(Path file, RecordingFormat format, ReadOptions options) {
        this(new FileInput(file), format, options);
    }

    Aedat2Reader(FileInput input, RecordingFormat format, ReadOptions options) {
        super(input, options);
        this.format = format;
        try {
            if (format != RecordingFormat.AEDAT2 && format != RecordingFormat.AEDAT1) {
                throw new IllegalArgumentException(format.toString());
            }
            this.header = HeaderLines.read(in, (byte) '#', "#!END-HEADER");
            String version = header.isEmpty() ? null : header.get(0).trim();
            if (format == RecordingFormat.AEDAT2 && version != null && version.startsWith("#!AER-DAT")
                    && !version.startsWith("#!AER-DAT2")) {
                throw in.error(0, "header says '" + version + "', not AEDAT 2.0");
            }
            this.layout = format == RecordingFormat.AEDAT1 ? Layout.DVS128
                    : Layout.fromChip(HeaderLines.value(header, "AEChip:"), in);
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
        this.geometry = layout.geometry;
        this.eventSize = format == RecordingFormat.AEDAT1 ? 6 : 8;
    }

    /**
     * Bare 8-byte events with no header, in a known address layout: the payload of jAER's unicast
     * AE datagrams after their sequence number.
     */
    Aedat2Reader(FileInput input, Layout layout, ReadOptions options) {
        super(input, options);
        this.format = RecordingFormat.AEDAT2;
        this.header = List.of();
        this.layout = layout;
        this.geometry = layout.geometry;
        this.eventSize = 8;
    }

    /** The header lines, marker included. */
    List<String> header() {
        return header;
    }

    Layout layout() {
        return layout;
    }

    @Override
    public RecordingFormat format() {
        return format;
    }

    @Override
    public int read(EventBuffer out, int maxEvents) {
        int n = 0;
        while (n < maxEvents) {
            if (!in.more(eventSize)) {
                if (in.remaining() > 0 && in.ended()) {
                    throw in.error(in.offset(), in.noun() + " ends inside an event (" + in.remaining() + " of "
                            + eventSize + " bytes)");
                }
                return n;
            }
            ByteBuffer b = in.buffer(ByteOrder.BIG_ENDIAN);
            int chunk = Math.min(b.remaining() / eventSize, maxEvents - n);
            out.ensureSpace(chunk);
            int p = b.position();
            int added;
            if (eventSize == 6) {
                added = decode16(b, p, chunk, out);
            } else if (layout == Layout.DVS128) {
                added = decodeDvs128(b, p, chunk, out);
            } else {
                added = decodeDavis(b, p, chunk, out);
            }
            b.position(p + chunk * eventSize);
            n += added;
        }
        return n;
    }

    /** The hot loop: state lives in locals and is written back once per chunk. */
    private int decodeDvs128(ByteBuffer b, int p, int count, EventBuffer out) {
        int added = 0;
        int end = p + count * 8;
        long lRaw = lastRaw;
        long wrap = wrapOffset;
        long prevT = lastT;
        long spec = 0;
        for (; p < end; p += 8) {
            long word = b.getLong(p); // big-endian: address in the high half, timestamp in the low
            int a = (int) (word >>> 32);
            long raw = word & 0xFFFFFFFFL;
            if (raw < lRaw && lRaw - raw > HALF) {
                wrap += WRAP;
            }
            lRaw = raw;
            long t = raw + wrap;
            if ((a & 0x80008000) != 0) {
                spec++;
                continue;
            }
            if (t < prevT) {
                lastRaw = lRaw;
                wrapOffset = wrap;
                special += spec;
                spec = 0;
                lastT = prevT;
                checkOrder(t, p); // counts it, or throws under the reject policy
            }
            prevT = t;
            out.add(127 - ((a >>> 1) & 0x7F), (a >>> 8) & 0x7F, (a & 1) == 0, t);
            added++;
        }
        lastRaw = lRaw;
        wrapOffset = wrap;
        lastT = prevT;
        special += spec;
        return added;
    }

    private int decode16(ByteBuffer b, int p, int count, EventBuffer out) {
        int added = 0;
        int end = p + count * 6;
        for (; p < end; p += 6) {
            int a = b.getShort(p) & 0xFFFF;
            long t = time(b.getInt(p + 2) & 0xFFFFFFFFL);
            if ((a & 0x8000) != 0) {
                special++;
                continue;
            }
            checkOrder(t, p);
            out.add(127 - ((a >>> 1) & 0x7F), (a >>> 8) & 0x7F, (a & 1) == 0, t);
            added++;
        }
        return added;
    }

    private int decodeDavis(ByteBuffer b, int p, int count, EventBuffer out) {
        int added = 0;
        int end = p + count * 8;
        int w1 = geometry.width() - 1;
        int h = geometry.height();
        for (; p < end; p += 8) {
            int a = b.getInt(p);
            long t = time(b.getInt(p + 4) & 0xFFFFFFFFL);
            if ((a & 0x80000400) != 0) {
                special++;
                continue;
            }
            int x = w1 - ((a >>> 12) & 0x3FF);
            int y = (a >>> 22) & 0x1FF;
            if (x < 0 || y >= h) {
                throw in.error(in.offsetOf(p), "DVS event address 0x" + Integer.toHexString(a)
                        + " outside the " + layout + " array " + geometry);
            }
            checkOrder(t, p);
            out.add(x, y, (a & 0x800) != 0, t);
            added++;
        }
        return added;
    }

    private long time(long raw) {
        if (raw < lastRaw && lastRaw - raw > HALF) {
            wrapOffset += WRAP;
        }
        lastRaw = raw;
        return raw + wrapOffset;
    }

    private void checkOrder(long t, int p) {
        if (t < lastT) {
            regressions++;
            if (rejectBackward) {
                throw in.error(in.offsetOf(p), "timestamp " + t + " µs is before the previous event's " + lastT + " µs");
            }
        }
        lastT = t;
    }

}
