package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Deliberately naive decoders, written from the format descriptions without sharing code with the
 * readers: whole file in memory, byte arithmetic by hand. They exist to cross-check the readers on
 * the real files whose facts nobody published.
 */
final class IndependentDecoders {
    private IndependentDecoders() {
    }

    static byte[] bytes(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offset just after the header lines that start with {@code marker} (simple line scan). */
    static int headerEnd(byte[] d, char marker, String endLine) {
        int p = 0;
        while (p < d.length && d[p] == marker) {
            int nl = p;
            while (nl < d.length && d[nl] != '\n') {
                nl++;
            }
            String line = new String(d, p, nl - p, StandardCharsets.ISO_8859_1).trim();
            p = Math.min(d.length, nl + 1);
            if (line.equals(endLine)) {
                break;
            }
        }
        return p;
    }

    static long be32(byte[] d, int i) {
        return ((d[i] & 0xFFL) << 24) | ((d[i + 1] & 0xFFL) << 16) | ((d[i + 2] & 0xFFL) << 8) | (d[i + 3] & 0xFFL);
    }

    static long le32(byte[] d, int i) {
        return ((d[i + 3] & 0xFFL) << 24) | ((d[i + 2] & 0xFFL) << 16) | ((d[i + 1] & 0xFFL) << 8) | (d[i] & 0xFFL);
    }

    static int le16(byte[] d, int i) {
        return ((d[i + 1] & 0xFF) << 8) | (d[i] & 0xFF);
    }

    /**
     * AEDAT 2.0 DVS128 as the format description gives it: 8-byte big-endian (address, timestamp) pairs after
     * the header (no timestamp unwrapping needed for short files).
     */
    static EventBuffer aedat2Dvs128(Path f) {
        byte[] d = bytes(f);
        int p = headerEnd(d, '#', "#!END-HEADER");
        EventBuffer out = new EventBuffer(SensorGeometry.DVS128);
        for (; p + 8 <= d.length; p += 8) {
            long a = be32(d, p);
            long t = be32(d, p + 4);
            boolean special = ((a >> 15) & 1) == 1 || ((a >> 31) & 1) == 1;
            if (!special) {
                out.add((int) (127 - ((a >> 1) & 0x7F)), (int) ((a >> 8) & 0x7F), (a & 1) == 0, t);
            }
        }
        return out;
    }

    /** Prophesee EVT 3.0 straight from the format table. */
    static EventBuffer evt3(Path f) {
        byte[] d = bytes(f);
        int p = headerEnd(d, '%', "% end");
        EventBuffer out = new EventBuffer(StreamReader.SCAN);
        int y = 0;
        int base = 0;
        int pol = 0;
        long low = 0;
        long high = 0;
        long prevHigh = -1;
        long wraps = 0;
        for (; p + 2 <= d.length; p += 2) {
            int w = le16(d, p);
            int type = w >> 12;
            long t = ((high + wraps * 4096) << 12) + low;
            if (type == 0x0) {
                y = w & 2047;
            } else if (type == 0x2) {
                out.add(w & 2047, y, ((w >> 11) & 1) == 1, t);
            } else if (type == 0x3) {
                base = w & 2047;
                pol = (w >> 11) & 1;
            } else if (type == 0x4 || type == 0x5) {
                int n = type == 0x4 ? 12 : 8;
                for (int i = 0; i < n; i++) {
                    if (((w >> i) & 1) == 1) {
                        out.add(base + i, y, pol == 1, t);
                    }
                }
                base += n;
            } else if (type == 0x6) {
                low = w & 4095;
            } else if (type == 0x8) {
                long h = w & 4095;
                if (prevHigh >= 0 && h + 2048 < prevHigh) {
                    wraps++;
                }
                prevHigh = h;
                high = h;
            }
        }
        return out;
    }

    /** Prophesee EVT 2.0 straight from the format table. */
    static EventBuffer evt2(Path f) {
        byte[] d = bytes(f);
        int p = headerEnd(d, '%', "% end");
        EventBuffer out = new EventBuffer(StreamReader.SCAN);
        long high = 0;
        for (; p + 4 <= d.length; p += 4) {
            long w = le32(d, p);
            long type = w >> 28;
            if (type == 0 || type == 1) {
                long t = high * 64 + ((w >> 22) & 63);
                out.add((int) ((w >> 11) & 2047), (int) (w & 2047), type == 1, t);
            } else if (type == 8) {
                high = w & 0x0FFFFFFFL;
            }
        }
        return out;
    }

    /** Prophesee DAT v2 CD events. */
    static EventBuffer dat(Path f) {
        byte[] d = bytes(f);
        int p = headerEnd(d, '%', "% end") + 2; // type and size bytes
        EventBuffer out = new EventBuffer(StreamReader.SCAN);
        for (; p + 8 <= d.length; p += 8) {
            long t = le32(d, p);
            long a = le32(d, p + 4);
            out.add((int) (a & 0x3FFF), (int) ((a >> 14) & 0x3FFF), ((a >> 28) & 1) == 1, t);
        }
        return out;
    }
}
