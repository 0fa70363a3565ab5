package io.spikestream.ingest;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Test-side senders of the UDP formats, written from the tools' own sources rather than from the
 * decoders under test: AEStream's {@code output udp} words (little-endian, x << 16 | ON << 15 | y,
 * bit 31 = no timestamp) and jAER's AEUnicastOutput datagrams (big-endian sequence number from 1,
 * then DVS128 address and µs timestamp per event).
 */
final class Senders {
    private Senders() {
    }

    /** AEStream's 512-byte datagrams, with a timestamp word after each event word when {@code timestamps}. */
    static void aestream(EventBatch events, int port, boolean timestamps) {
        int perDatagram = timestamps ? 64 : 128;
        try (DatagramChannel ch = DatagramChannel.open()) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < events.size(); i += perDatagram) {
                b.clear();
                for (int k = i; k < Math.min(events.size(), i + perDatagram); k++) {
                    int word = (events.x(k) << 16) | (events.on(k) ? 0x8000 : 0) | events.y(k);
                    if (timestamps) {
                        b.putInt(word).putInt((int) events.t(k));
                    } else {
                        b.putInt(0x80000000 | word);
                    }
                }
                b.flip();
                ch.send(b, to);
                pace(i / perDatagram);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * jAER unicast datagrams of at most {@code perDatagram} DVS128 events; the datagram with sequence
     * number {@code skip} is not sent (a loss on the network).
     */
    static void jaer(EventBatch events, int port, int perDatagram, int skip) {
        try (DatagramChannel ch = DatagramChannel.open()) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            ByteBuffer b = ByteBuffer.allocate(4 + perDatagram * 8).order(ByteOrder.BIG_ENDIAN);
            int seq = 0;
            for (int i = 0; i < events.size(); i += perDatagram) {
                seq++;
                b.clear().putInt(seq);
                for (int k = i; k < Math.min(events.size(), i + perDatagram); k++) {
                    int address = ((127 - events.x(k)) << 1) | (events.y(k) << 8) | (events.on(k) ? 0 : 1);
                    b.putInt(address).putInt((int) events.t(k));
                }
                b.flip();
                if (seq != skip) {
                    ch.send(b, to);
                }
                pace(seq);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** About 16 datagrams per millisecond: a camera's rate, not a flood that overruns the receive buffer. */
    private static void pace(int datagram) {
        if (datagram % 16 == 15) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Random events in time order: {@code n} events from t0 on, at most {@code maxGapUs} apart. */
    static EventBatch random(SensorGeometry g, int n, long t0, int maxGapUs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        io.spikestream.events.EventBuffer b = new io.spikestream.events.EventBuffer(g, n);
        long t = t0;
        for (int i = 0; i < n; i++) {
            t += r.nextInt(maxGapUs + 1);
            b.add(r.nextInt(g.width()), r.nextInt(g.height()), r.nextBoolean(), t);
        }
        return b.toBatch();
    }
}
