package io.spikestream.replay;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventDataException;
import java.util.Arrays;

/**
 * How one sample is cut into packets: packet i holds events {@code from(i)..from(i+1)-1} and is
 * due {@code endOffsetUs(i)} µs of event time after the sample's first event — the end of its
 * {@code packetUs} window, or the last event + 1 µs when the window was split because it held
 * more than {@code maxEvents} events or when the sample ends inside it. Empty windows send nothing.
 * The sample lasts {@link #durationUs()} = last event − first event + 1 µs.
 *
 * <p>Packet i's watermark ({@link #watermarkOffsetUs}) is what the camera knows when it sends it: no later
 * event is earlier than its due time, nor than the next packet's first event (a split window may hold
 * more events at the split's time); the last packet's is the end of the sample.
 */
public final class PacketPlan {
    private final int[] bounds;
    private final long[] endOffsetUs;
    private final long[] watermarkOffsetUs;
    private final long[] firstOffsetUs;
    private final int packets;
    private final long durationUs;

    private PacketPlan(int[] bounds, long[] endOffsetUs, long[] watermarkOffsetUs, long[] firstOffsetUs, int packets,
                       long durationUs) {
        this.bounds = bounds;
        this.endOffsetUs = endOffsetUs;
        this.watermarkOffsetUs = watermarkOffsetUs;
        this.firstOffsetUs = firstOffsetUs;
        this.packets = packets;
        this.durationUs = durationUs;
    }

    public static PacketPlan of(String sampleId, EventBatch events, long packetUs, int maxEvents) {
        int n = events.size();
        if (n == 0) {
            return new PacketPlan(new int[] {0}, new long[0], new long[0], new long[0], 0, 0);
        }
        long t0 = events.t(0);
        long last = events.t(n - 1);
        long durationUs = last - t0 + 1;
        int cap = 16;
        int[] bounds = new int[cap + 1];
        long[] ends = new long[cap];
        int p = 0;
        int start = 0;
        long prev = t0;
        while (start < n) {
            long window = (events.t(start) - t0) / packetUs;
            long windowEnd = (window + 1) * packetUs;
            int end = start;
            while (end < n && end - start < maxEvents) {
                long t = events.t(end);
                if (t < prev) {
                    throw new EventDataException("sample " + sampleId + ": event " + end + " at " + t
                            + " µs is before the previous event's " + prev + " µs; replay needs time order");
                }
                prev = t;
                if (t - t0 >= windowEnd) {
                    break;
                }
                end++;
            }
            boolean split = end < n && events.t(end) - t0 < windowEnd;
            long due = split ? events.t(end - 1) - t0 + 1 : Math.min(windowEnd, durationUs);
            if (p == ends.length) {
                ends = Arrays.copyOf(ends, p * 2);
                bounds = Arrays.copyOf(bounds, p * 2 + 1);
            }
            bounds[p] = start;
            ends[p] = due;
            p++;
            start = end;
        }
        bounds[p] = n;
        long[] watermarks = new long[p];
        long[] firsts = new long[p];
        for (int i = 0; i < p; i++) {
            firsts[i] = events.t(bounds[i]) - t0;
            watermarks[i] = i == p - 1 ? durationUs : Math.min(ends[i], events.t(bounds[i + 1]) - t0);
        }
        return new PacketPlan(bounds, ends, watermarks, firsts, p, durationUs);
    }

    public int packets() {
        return packets;
    }

    public int from(int packet) {
        return bounds[packet];
    }

    public int to(int packet) {
        return bounds[packet + 1];
    }

    public long endOffsetUs(int packet) {
        return endOffsetUs[packet];
    }

    /**
     * Packet {@code packet}'s watermark, µs after the sample's first event: every event of the sample
     * earlier than it is in this packet or an earlier one.
     */
    public long watermarkOffsetUs(int packet) {
        return watermarkOffsetUs[packet];
    }

    /** Packet {@code packet}'s first event, µs after the sample's first event. */
    public long firstEventOffsetUs(int packet) {
        return firstOffsetUs[packet];
    }

    public long durationUs() {
        return durationUs;
    }
}
