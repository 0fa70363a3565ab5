package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * AEStream's UDP event datagrams (its {@code output udp} sink, the SPIF word format): a sequence of
 * 32-bit little-endian words, one per event, {@code bit 31} = no timestamp follows,
 * {@code bits 30..16} = x, {@code bit 15} = ON, {@code bits 14..0} = y. A word with bit 31 clear is
 * followed by a 32-bit µs timestamp word; the 32-bit time is unwrapped (a drop of more than 2^31 adds
 * 2^32). Events without a timestamp get the time the datagram was received. Each datagram is checked
 * whole before any of its events is appended, so a malformed one adds nothing. Not thread-safe; one
 * decoder per sender (the unwrapping carries across datagrams).
 */
public final class AestreamDecoder {
    private static final long WRAP = 1L << 32;
    private static final long HALF = 1L << 31;

    private final SensorGeometry geometry;
    private final String source;
    private long lastRaw = -1;
    private long wrapOffset;
    private long datagrams;
    private long untimed;

    /** @param source what the datagrams come from, for messages */
    public AestreamDecoder(SensorGeometry geometry, String source) {
        this.geometry = geometry;
        this.source = source;
    }

    /**
     * Appends the events of one datagram ({@code datagram}'s remaining bytes) to {@code out}.
     *
     * @param receivedUs the time given to events that carry no timestamp
     * @return the number of events appended
     * @throws RecordingFormatException naming the datagram and byte when it is malformed (nothing is appended)
     */
    public int decode(ByteBuffer datagram, EventBuffer out, long receivedUs) {
        ByteBuffer b = datagram.slice().order(ByteOrder.LITTLE_ENDIAN);
        long index = datagrams++;
        int len = b.remaining();
        if (len % 4 != 0) {
            throw error(index, len - len % 4, len + " bytes is not a whole number of 4-byte words");
        }
        int events = 0;
        for (int p = 0; p < len; p += 4) {
            int w = b.getInt(p);
            int x = (w >>> 16) & 0x7FFF;
            int y = w & 0x7FFF;
            if (!geometry.contains(x, y)) {
                throw error(index, p, "event at (" + x + ", " + y + ") outside the " + geometry + " sensor");
            }
            if (w >= 0) {
                if (p + 8 > len) {
                    throw error(index, p, "event word says a timestamp follows, but the datagram ends");
                }
                p += 4;
            }
            events++;
        }
        out.ensureSpace(events);
        for (int p = 0; p < len; p += 4) {
            int w = b.getInt(p);
            long t;
            if (w < 0) {
                t = receivedUs;
                untimed++;
            } else {
                long raw = b.getInt(p + 4) & 0xFFFFFFFFL;
                if (raw < lastRaw && lastRaw - raw > HALF) {
                    wrapOffset += WRAP;
                }
                lastRaw = raw;
                t = raw + wrapOffset;
                p += 4;
            }
            out.add((w >>> 16) & 0x7FFF, w & 0x7FFF, (w & 0x8000) != 0, t);
        }
        return events;
    }

    /** Datagrams seen so far, malformed ones included. */
    public long datagrams() {
        return datagrams;
    }

    /** Events that carried no timestamp and were given their datagram's receive time. */
    public long untimedEvents() {
        return untimed;
    }

    private RecordingFormatException error(long index, int offset, String what) {
        return new RecordingFormatException(source + " datagram " + index, offset, what);
    }
}
