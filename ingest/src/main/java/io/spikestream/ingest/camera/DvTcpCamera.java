package io.spikestream.ingest.camera;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.io.Aedat4Writer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A simulated event camera behind a DV TCP server output: it listens like DV's "Network TCP server"
 * module and sends the AEDAT 4 network stream (IOHeader, then one EVTS packet per {@code packetUs} of
 * camera time) to the connected client, paced by the event times ({@code speed} × real time, or as
 * fast as possible). Unlike DV it waits for a client before it starts, pauses while none is
 * connected, and resends a packet whose write failed to the next client, so a demo or a test loses
 * nothing to a late start or a reconnection. One client at a time.
 */
public final class DvTcpCamera implements AutoCloseable {
    /** How the camera sends. {@code speed} is a multiple of real time; infinity sends as fast as possible. */
    public record Options(double speed, long packetUs, Aedat4Writer.Compression compression, String source) {
        public Options {
            if (!(speed > 0)) {
                throw new IllegalArgumentException("speed " + speed + " must be positive");
            }
            if (packetUs < 1) {
                throw new IllegalArgumentException("packet " + packetUs + " us must be at least 1");
            }
        }
    }

    private final ServerSocket server;
    private final CameraTimeline timeline;
    private final Options options;
    private final Consumer<CameraTimeline.Shown> shown;
    private final SendListener sent;
    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong clients = new AtomicLong();
    private volatile boolean closed;
    private volatile Socket client;
    private volatile Exception failure;

    /** Hears of every packet sent: for measuring latency from the camera's send on. */
    @FunctionalInterface
    public interface SendListener {
        /** The packet with events up to camera time {@code lastEventUs} went out at {@code nanoTime} ({@link System#nanoTime()}). */
        void sent(long lastEventUs, long nanoTime);
    }

    private DvTcpCamera(ServerSocket server, CameraTimeline timeline, Options options, Consumer<CameraTimeline.Shown> shown,
                        SendListener sent) {
        this.server = server;
        this.timeline = timeline;
        this.options = options;
        this.shown = shown;
        this.sent = sent;
        this.thread = new Thread(this::run, "dv-tcp-camera " + server.getLocalPort());
        thread.setDaemon(true);
    }

    /**
     * Listens on {@code host:port} (0: a free port) and streams {@code timeline} to its clients;
     * {@code shown} hears of each recording as its first packet goes out.
     */
    public static DvTcpCamera start(String host, int port, CameraTimeline timeline, Options options,
                                    Consumer<CameraTimeline.Shown> shown) {
        return start(host, port, timeline, options, shown, (t, ns) -> { });
    }

    /** As {@link #start(String, int, CameraTimeline, Options, Consumer)}; {@code sent} hears of every packet sent. */
    public static DvTcpCamera start(String host, int port, CameraTimeline timeline, Options options,
                                    Consumer<CameraTimeline.Shown> shown, SendListener sent) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
            DvTcpCamera c = new DvTcpCamera(s, timeline, options, shown, sent);
            c.thread.start();
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code dv-tcp://HOST:PORT} to give ingest. */
    public String uri() {
        return "dv-tcp://" + server.getInetAddress().getHostAddress() + ":" + port();
    }

    public long eventsSent() {
        return events.get();
    }

    public long packetsSent() {
        return packets.get();
    }

    public long clients() {
        return clients.get();
    }

    /** Waits until the whole timeline is sent (never, for a looping one); false on timeout. */
    public boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    /** The error that stopped the camera, or null. */
    public Exception failure() {
        return failure;
    }

    private void run() {
        EventBuffer seg = new EventBuffer(timeline.geometry(), 1 << 12);
        CameraTimeline.Shown cur = timeline.next(seg);
        int pos = 0;
        boolean announced = false;
        try {
            while (!closed && cur != null) {
                Socket c;
                try {
                    c = server.accept();
                } catch (IOException e) {
                    if (!closed) {
                        failure = e;
                    }
                    return;
                }
                client = c;
                clients.incrementAndGet();
                try (c) {
                    c.setTcpNoDelay(true);
                    c.setSendBufferSize(4 << 20);
                    OutputStream os = new BufferedOutputStream(c.getOutputStream(), 1 << 16);
                    Aedat4Writer w = Aedat4Writer.open(os, Aedat4Writer.Target.NETWORK, timeline.geometry(),
                            options.compression(), options.source());
                    w.flush();
                    // pacing restarts from here: a pause without a client is not made up by a burst
                    long originNs = System.nanoTime();
                    long originUs = seg.t(pos);
                    while (!closed && cur != null) {
                        if (!announced) {
                            shown.accept(cur);
                            announced = true;
                        }
                        int end = packetEnd(seg, pos);
                        if (Double.isFinite(options.speed())) {
                            long due = originNs + (long) ((seg.t(end - 1) - originUs) * 1000 / options.speed());
                            sleepUntil(due);
                        }
                        w.writeEvents(seg, pos, end);
                        w.flush();
                        sent.sent(seg.t(end - 1), System.nanoTime());
                        events.addAndGet(end - pos);
                        packets.incrementAndGet();
                        pos = end;
                        if (pos == seg.size()) {
                            // the camera clock runs on through the gap to the next recording
                            cur = timeline.next(seg);
                            pos = 0;
                            announced = false;
                        }
                    }
                } catch (IOException | UncheckedIOException e) {
                    // the client went away; the packet that failed is sent again to the next one
                }
            }
        } finally {
            closeServer();
            done.countDown();
        }
    }

    private void closeServer() {
        try {
            server.close();
        } catch (IOException e) {
            // closing only ends the accept loop
        }
    }

    /** End (exclusive) of the packet starting at {@code pos}: the rest of its {@code packetUs} window. */
    private int packetEnd(EventBuffer seg, int pos) {
        long windowEnd = (Math.floorDiv(seg.t(pos), options.packetUs()) + 1) * options.packetUs();
        int end = pos + 1;
        int limit = Math.min(seg.size(), pos + (1 << 16));
        while (end < limit && seg.t(end) < windowEnd) {
            end++;
        }
        return end;
    }

    private void sleepUntil(long dueNs) {
        long left;
        while (!closed && (left = dueNs - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(left, 50_000_000L));
        }
    }

    /** Stops sending and listening; the connected client sees the stream end. */
    @Override
    public void close() {
        closed = true;
        closeServer();
        Socket c = client;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // the client sees the end of the stream either way
            }
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
