package io.spikestream.ingest;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.AestreamDecoder;
import io.spikestream.events.io.JaerDatagram;
import io.spikestream.events.io.LiveBytes;
import io.spikestream.events.io.LiveReader;
import io.spikestream.events.io.RecordingFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * Listens for a camera tool's UDP datagrams: AEStream's event words or jAER's unicast AE packets.
 * Every datagram is decoded whole or not at all: a malformed one is counted, reported with its number
 * and byte, and skipped. jAER's sequence numbers reveal lost datagrams (counted as gaps) and
 * reordered ones. AEStream events without a timestamp get the wall-clock time (µs since the epoch)
 * at which their datagram was received.
 */
final class UdpSource extends Source {
    /** Datagrams taken before packets are cut and heartbeats considered. */
    private static final int DRAIN = 4096;
    private static final int RECEIVE_BUFFER = 8 << 20;

    private final SourceSpec.Udp spec;
    private final long epochOffsetUs = System.currentTimeMillis() * 1000 - System.nanoTime() / 1000;
    private volatile Selector selector;
    private DatagramFeed feed;
    private LiveReader jaer;
    private AestreamDecoder aestream;
    private long datagrams;
    private long lastSequence;
    private boolean sequenced;

    UdpSource(SourceConfig config, IngestConfig ingest, SourceStats stats, PacketQueue queue, IngestListener listener) {
        super(config, ingest, stats, queue, listener);
        this.spec = (SourceSpec.Udp) config.spec();
    }

    @Override
    void body() throws InterruptedException {
        SensorGeometry geometry = config.geometry() != null ? config.geometry() : spec.layout().geometry();
        try (DatagramChannel ch = DatagramChannel.open(); Selector sel = Selector.open()) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
            ch.bind(new InetSocketAddress(spec.host(), spec.port()));
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            selector = sel;
            if (stopping) {
                return;
            }
            Packetizer pk = packetizer(geometry);
            if (spec.format() == SourceSpec.UdpFormat.JAER) {
                resetJaer();
            } else {
                aestream = new AestreamDecoder(geometry, spec.uri());
            }
            stats.state(SourceStats.State.RUNNING);
            listener.message(spec.uri() + ": listening, " + geometry + " sensor");
            ByteBuffer dg = ByteBuffer.allocate(1 << 16);
            EventBuffer events = new EventBuffer(geometry, 1 << 14);
            try {
                while (!stopping) {
                    for (int k = 0; k < DRAIN; k++) {
                        dg.clear();
                        if (ch.receive(dg) == null) {
                            break;
                        }
                        dg.flip();
                        long now = System.nanoTime();
                        events.clear();
                        if (decode(dg, events, now)) {
                            pk.accept(events, now);
                        }
                    }
                    long now = System.nanoTime();
                    pk.flush(now);
                    pk.heartbeat(now);
                    long wait = pk.nanosToWork(System.nanoTime());
                    if (wait < 1_000_000) {
                        sel.selectNow();
                        if (wait > 0) {
                            LockSupport.parkNanos(Math.min(wait, 200_000));
                        }
                    } else {
                        sel.select(wait / 1_000_000);
                    }
                    sel.selectedKeys().clear();
                }
            } finally {
                pk.drain(System.nanoTime());
                if (aestream != null) {
                    stats.untimedEvents.set(aestream.untimedEvents());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(spec.uri() + ": cannot listen (" + e.getMessage() + ")", e);
        }
    }

    /** Decodes one datagram into {@code out}; false (counted, reported) when it is malformed. */
    private boolean decode(ByteBuffer dg, EventBuffer out, long nowNs) {
        long index = datagrams++;
        try {
            if (aestream != null) {
                aestream.decode(dg, out, epochOffsetUs + nowNs / 1000);
                return true;
            }
            int seq = JaerDatagram.sequence(dg, spec.uri(), index);
            if (sequenced) {
                // jAER counts 1, 2, … and wraps from Integer.MAX_VALUE to 0
                long expected = lastSequence == Integer.MAX_VALUE ? 0 : lastSequence + 1;
                if (seq > expected) {
                    stats.sequenceGaps.addAndGet(seq - expected);
                } else if (seq < expected) {
                    stats.reorderedDatagrams.incrementAndGet();
                }
            }
            sequenced = true;
            lastSequence = seq;
            dg.position(dg.position() + JaerDatagram.HEADER);
            feed.add(dg);
            while (jaer.read(out, Integer.MAX_VALUE) > 0) {
                // one datagram's events: the feed holds whole events only
            }
            return true;
        } catch (RecordingFormatException e) {
            stats.malformed.incrementAndGet();
            fail(e.getMessage() + " (from datagram " + index + "; skipped)");
            out.clear();
            if (jaer != null) {
                resetJaer();
            }
            return false;
        }
    }

    private void resetJaer() {
        feed = new DatagramFeed(spec.uri());
        jaer = LiveReader.jaerEvents(feed, spec.layout(), readOptions());
    }

    @Override
    void interruptIo() {
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    /** The events of received jAER datagrams, as one byte stream for the AEDAT 2 event decoder. */
    private static final class DatagramFeed implements LiveBytes {
        private final String name;
        private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();

        DatagramFeed(String name) {
            this.name = name;
        }

        void add(ByteBuffer payload) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining());
            copy.put(payload).flip();
            chunks.addLast(copy);
        }

        @Override
        public int read(ByteBuffer dst) {
            int n = readNow(dst);
            // datagrams hold whole events, so the decoder never waits inside one
            return n == 0 ? -1 : n;
        }

        @Override
        public int readNow(ByteBuffer dst) {
            int n = 0;
            while (dst.hasRemaining() && !chunks.isEmpty()) {
                ByteBuffer c = chunks.peekFirst();
                int k = Math.min(c.remaining(), dst.remaining());
                int lim = c.limit();
                c.limit(c.position() + k);
                dst.put(c);
                c.limit(lim);
                n += k;
                if (!c.hasRemaining()) {
                    chunks.pollFirst();
                }
            }
            return n;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
