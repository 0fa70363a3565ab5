package io.spikestream.ingest;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.EventDataException;
import io.spikestream.events.PacketCodec;
import io.spikestream.events.SensorGeometry;
import java.util.ArrayDeque;

/**
 * Cuts one camera's events into EventPackets: a packet holds the events of one {@code packetUs}
 * window of event time (windows aligned to multiples of it, at most {@code maxEvents} events), and is
 * cut early when the source has nothing more to read ({@link #flush}), so a packet never waits for
 * events that have not happened; such early cuts come at most once per {@code packetUs} of wall time,
 * so a camera that sends many small bursts does not become as many records (each costs the stream
 * app a state update): an event waits at most {@code packetUs} in ingest.
 *
 * <p><b>Watermarks.</b> Every packet says the event time up to which the camera has sent everything:
 * a packet cut at a window or size boundary carries the time of the event that starts the next one,
 * a flushed packet the latest event time seen. A camera that goes quiet sends heartbeats, empty
 * packets whose watermark follows the wall clock: an event arriving at wall time {@code a} has a
 * camera time of at least {@code a − d}, where {@code d} is how far behind the wall clock events
 * arrive; {@code d} is taken as the largest delay seen over the last {@link #DELAY_WINDOW_NS} of
 * arrivals (so a sender's packet interval and its jitter count) plus {@code latenessUs} for delays
 * not seen yet. A sender faster than real time (a recording at full speed) has ever smaller
 * delays, so its heartbeats stay behind its events. An event that arrives with a time below a
 * watermark already sent would break that promise: it is dropped and counted as late. An event
 * whose time goes back below an earlier event's (a camera's readout order, a reordered datagram)
 * is sent with that earlier time, and counted: packets and the stream app need time order.
 * Not thread-safe; one per source thread.
 */
final class Packetizer {
    /** Where finished packets go (the source's queue). */
    interface Sink {
        void put(OutPacket p) throws InterruptedException;
    }

    /** How long an observed arrival delay keeps counting towards the heartbeat's estimate. */
    static final long DELAY_WINDOW_NS = 2_000_000_000L;
    /** Longest wait for data before a source looks at its stop flag again. */
    private static final long IDLE_WAIT_NS = 100_000_000L;

    private final String camera;
    private final SensorGeometry geometry;
    private final long packetUs;
    private final long packetNs;
    private final int maxEvents;
    private final long heartbeatNs;
    private final long latenessUs;
    private final Sink sink;
    private final SourceStats stats;
    private final EventBuffer pending;
    private long window;
    private long sequence;
    private long watermark = Long.MIN_VALUE;
    private long maxT = Long.MIN_VALUE;
    /** Wall time of the last packet sent; long ago at first, so that the first events go out at once. */
    private long lastSendNs = Long.MIN_VALUE / 2;
    private boolean seen;
    /** Sliding-window maximum of arrival delays: arrival times (ns) and delays (wall µs − event µs), delays decreasing. */
    private final ArrayDeque<long[]> delays = new ArrayDeque<>();

    /** @param heartbeats false: never send heartbeats (a file read as fast as it can be) */
    Packetizer(String camera, SensorGeometry geometry, IngestConfig config, boolean heartbeats, Sink sink, SourceStats stats) {
        this.camera = camera;
        this.geometry = geometry;
        this.packetUs = config.packetUs();
        this.packetNs = config.packetUs() * 1000;
        this.maxEvents = config.maxPacketEvents();
        this.heartbeatNs = heartbeats ? config.heartbeat().toNanos() : 0;
        this.latenessUs = config.latenessUs();
        this.sink = sink;
        this.stats = stats;
        this.pending = new EventBuffer(geometry, Math.min(maxEvents, 1 << 16));
    }

    SensorGeometry geometry() {
        return geometry;
    }

    /**
     * Adds decoded events, sending every packet they complete.
     *
     * @throws EventDataException when an event lies outside the camera's geometry (nothing of the batch is taken)
     */
    void accept(EventBuffer in, long nowNs) throws InterruptedException {
        int n = in.size();
        int w = geometry.width();
        int h = geometry.height();
        for (int i = 0; i < n; i++) {
            if (in.x(i) >= w || in.y(i) >= h || in.x(i) < 0 || in.y(i) < 0) {
                throw new EventDataException("event at (" + in.x(i) + ", " + in.y(i) + "), t=" + in.t(i)
                        + " us, lies outside the camera's " + geometry + " sensor (see --geometry)");
            }
        }
        stats.eventsIn.addAndGet(n);
        long late = 0;
        long clamped = 0;
        long minT = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            long t = in.t(i);
            if (t < watermark) {
                late++;
                continue;
            }
            if (t < maxT) {
                // packets and the stream app need time order; the event keeps its place in the stream
                t = maxT;
                clamped++;
            }
            if (t < minT) {
                minT = t;
            }
            long win = Math.floorDiv(t, packetUs);
            if (pending.size() > 0 && (win != window || pending.size() >= maxEvents)) {
                cut(t, nowNs);
            }
            if (pending.size() == 0) {
                window = win;
            }
            pending.add(in.x(i), in.y(i), in.on(i), t);
            if (t > maxT) {
                maxT = t;
            }
        }
        if (late > 0) {
            stats.lateEvents.addAndGet(late);
        }
        if (clamped > 0) {
            stats.clampedEvents.addAndGet(clamped);
        }
        if (n > late) {
            seen = true;
            noteDelay(nowNs, nowNs / 1000 - minT);
        }
    }

    private void noteDelay(long nowNs, long delayUs) {
        while (!delays.isEmpty() && delays.peekLast()[1] <= delayUs) {
            delays.pollLast();
        }
        delays.addLast(new long[] {nowNs, delayUs});
        while (delays.peekFirst()[0] < nowNs - DELAY_WINDOW_NS) {
            delays.pollFirst();
        }
    }

    /**
     * The source has nothing more to read now: send what is pending, unless a packet went out less
     * than {@code packetUs} ago ({@link #nanosToWork} says when to come back).
     */
    void flush(long nowNs) throws InterruptedException {
        if (pending.size() > 0 && nowNs - lastSendNs >= packetNs) {
            drain(nowNs);
        }
    }

    /** Sends what is pending now (the stream ended, the source stops). */
    void drain(long nowNs) throws InterruptedException {
        if (pending.size() > 0) {
            cut(Math.max(watermark, maxT), nowNs);
        }
    }

    /** Sends a heartbeat when the camera has been quiet for the heartbeat interval and the watermark can move on. */
    void heartbeat(long nowNs) throws InterruptedException {
        if (heartbeatNs == 0 || !seen || pending.size() > 0 || nowNs - lastSendNs < heartbeatNs) {
            return;
        }
        // the delays of the window are kept while the camera is quiet: no arrival, nothing new to learn
        long estimate = nowNs / 1000 - delays.peekFirst()[1] - latenessUs;
        if (estimate <= watermark) {
            return;
        }
        send(estimate, nowNs);
        stats.heartbeatsOut.increment();
    }

    /** Nanoseconds until pending events or a heartbeat may be due (at most 100 ms). */
    long nanosToWork(long nowNs) {
        long wait = IDLE_WAIT_NS;
        if (pending.size() > 0) {
            wait = Math.min(wait, lastSendNs + packetNs - nowNs);
        } else if (heartbeatNs > 0 && seen) {
            wait = Math.min(wait, lastSendNs + heartbeatNs - nowNs);
        }
        return Math.max(0, wait);
    }

    private void cut(long nextWatermark, long nowNs) throws InterruptedException {
        send(Math.max(watermark, nextWatermark), nowNs);
        pending.clear();
    }

    private void send(long newWatermark, long nowNs) throws InterruptedException {
        int n = pending.size();
        byte[] value = PacketCodec.encode(pending, 0, n)
                .setCameraId(camera)
                .setSequence(sequence)
                .setWatermarkUs(newWatermark)
                .build().toByteArray();
        sink.put(new OutPacket(camera, value, n, sequence, stats));
        sequence++;
        watermark = newWatermark;
        lastSendNs = nowNs;
    }

    /** Packets sent so far (heartbeats included); the next packet's sequence number. */
    long sequence() {
        return sequence;
    }

    /** The last watermark sent (Long.MIN_VALUE before the first packet). */
    long watermark() {
        return watermark;
    }
}
