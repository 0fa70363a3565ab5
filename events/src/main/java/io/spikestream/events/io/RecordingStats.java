package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Accumulates what {@code events inspect} reports about a stream of polarity events: counts,
 * coordinate and time ranges, and the canonical checksum — SHA-256 over the events in file order,
 * each as little-endian {@code uint16 x, uint16 y, uint8 on, uint64 t_us} (13 bytes, no padding),
 * reported as its first 16 hex digits.
 */
public final class RecordingStats {
    private final MessageDigest sha;
    private final byte[] scratch = new byte[13 * 4096];
    private long events;
    private long on;
    private int xMin = Integer.MAX_VALUE;
    private int xMax = Integer.MIN_VALUE;
    private int yMin = Integer.MAX_VALUE;
    private int yMax = Integer.MIN_VALUE;
    private long tFirst;
    private long tLast;
    private long tMin = Long.MAX_VALUE;
    private long tMax = Long.MIN_VALUE;

    public RecordingStats() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    /** Adds every event of {@code buf} (in order). */
    public void add(EventBuffer buf) {
        int n = buf.size();
        int k = 0;
        for (int i = 0; i < n; i++) {
            int x = buf.x(i);
            int y = buf.y(i);
            boolean o = buf.on(i);
            long t = buf.t(i);
            if (events == 0) {
                tFirst = t;
            }
            events++;
            if (o) {
                on++;
            }
            xMin = Math.min(xMin, x);
            xMax = Math.max(xMax, x);
            yMin = Math.min(yMin, y);
            yMax = Math.max(yMax, y);
            tMin = Math.min(tMin, t);
            tMax = Math.max(tMax, t);
            tLast = t;
            scratch[k] = (byte) x;
            scratch[k + 1] = (byte) (x >>> 8);
            scratch[k + 2] = (byte) y;
            scratch[k + 3] = (byte) (y >>> 8);
            scratch[k + 4] = (byte) (o ? 1 : 0);
            for (int b = 0; b < 8; b++) {
                scratch[k + 5 + b] = (byte) (t >>> (8 * b));
            }
            k += 13;
            if (k == scratch.length) {
                sha.update(scratch, 0, k);
                k = 0;
            }
        }
        sha.update(scratch, 0, k);
    }

    public long events() {
        return events;
    }

    public long on() {
        return on;
    }

    /** Coordinate ranges; -1 when there are no events. */
    public int xMin() {
        return events == 0 ? -1 : xMin;
    }

    public int xMax() {
        return events == 0 ? -1 : xMax;
    }

    public int yMin() {
        return events == 0 ? -1 : yMin;
    }

    public int yMax() {
        return events == 0 ? -1 : yMax;
    }

    /** Time of the first and last event in file order; 0 when there are none. */
    public long tFirst() {
        return tFirst;
    }

    public long tLast() {
        return tLast;
    }

    /** Smallest and largest timestamps (they differ from first/last when time goes backwards). */
    public long tMin() {
        return events == 0 ? 0 : tMin;
    }

    public long tMax() {
        return events == 0 ? 0 : tMax;
    }

    /** First 16 hex digits of the canonical SHA-256 (of nothing, when there are no events). */
    public String checksum() {
        try {
            MessageDigest copy = (MessageDigest) sha.clone();
            byte[] d = copy.digest();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                sb.append(String.format("%02x", d[i] & 0xFF));
            }
            return sb.toString();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the rest of {@code reader} into fresh statistics. */
    public static RecordingStats of(RecordingReader reader) {
        RecordingStats s = new RecordingStats();
        EventBuffer buf = new EventBuffer(reader.geometry(), 1 << 16);
        while (true) {
            buf.clear();
            if (reader.read(buf, 1 << 16) == 0) {
                return s;
            }
            s.add(buf);
        }
    }
}
