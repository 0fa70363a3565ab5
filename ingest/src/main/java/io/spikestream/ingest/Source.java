package io.spikestream.ingest;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.LiveReader;
import io.spikestream.events.io.ReadOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One live camera: its own thread reads and decodes, the {@link Packetizer} cuts packets, the
 * {@link PacketQueue} holds them for the sender. A source ends by itself (a pipe or file at its end),
 * fails (malformed input it cannot recover from; the others go on), or is stopped, flushing what it
 * has read.
 */
abstract sealed class Source implements Runnable permits DvTcpSource, UdpSource, StreamSource {
    /** Events decoded per read: large enough for throughput, small enough to cut packets promptly. */
    static final int READ_EVENTS = 1 << 14;
    /** Shortest wait for data, so that a due heartbeat that cannot move the watermark does not spin. */
    private static final long MIN_WAIT_NS = 200_000;

    final SourceConfig config;
    final IngestConfig ingest;
    final SourceStats stats;
    final PacketQueue queue;
    final IngestListener listener;
    private final CountDownLatch stopped = new CountDownLatch(1);
    volatile boolean stopping;

    Source(SourceConfig config, IngestConfig ingest, SourceStats stats, PacketQueue queue, IngestListener listener) {
        this.config = config;
        this.ingest = ingest;
        this.stats = stats;
        this.queue = queue;
        this.listener = listener;
    }

    @Override
    public final void run() {
        try {
            body();
            stats.state(stopping ? SourceStats.State.STOPPED : SourceStats.State.ENDED);
            if (!stopping) {
                listener.message(config.spec().uri() + ": ended");
            }
        } catch (InterruptedException e) {
            stats.state(SourceStats.State.STOPPED);
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (stopping) {
                stats.state(SourceStats.State.STOPPED);
            } else {
                stats.state(SourceStats.State.FAILED);
                fail(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        } finally {
            queue.close();
        }
    }

    /** Reads until the source ends or {@link #stopping}; runs on the source's own thread. */
    abstract void body() throws InterruptedException;

    /** Makes a blocked read return (closes the socket or stream). */
    abstract void interruptIo();

    /** Asks the source to stop: it flushes what it has read and ends. */
    final void stop() {
        stopping = true;
        stopped.countDown();
        interruptIo();
    }

    /** Waits {@code nanos}, or less if the ingest stops. */
    final void pause(long nanos) throws InterruptedException {
        stopped.await(nanos, TimeUnit.NANOSECONDS);
    }

    final void fail(String message) {
        stats.error(message);
        listener.error(config, message);
    }

    final Packetizer packetizer(SensorGeometry geometry) {
        // a file read to its end is not live: there is no quiet camera whose clock a heartbeat could follow
        boolean live = !(config.spec() instanceof SourceSpec.ByteStream b) || b.path() == null || b.follow();
        return new Packetizer(config.camera(), geometry, ingest, live, queue, stats);
    }

    final ReadOptions readOptions() {
        return config.geometry() == null ? ReadOptions.DEFAULT : ReadOptions.DEFAULT.withGeometry(config.geometry());
    }

    /**
     * Decodes {@code reader} into {@code pk} until the stream ends or the source is stopped: packets are
     * cut whenever nothing more has arrived, and heartbeats go out while the camera is quiet.
     */
    final void decode(LiveReader reader, PumpedInput input, Packetizer pk) throws InterruptedException {
        EventBuffer buf = new EventBuffer(reader.geometry(), READ_EVENTS);
        try {
            while (!stopping) {
                buf.clear();
                int n;
                try {
                    n = reader.read(buf, READ_EVENTS);
                } catch (RuntimeException e) {
                    // the events decoded before the failure are whole and valid: they go out first
                    pk.accept(buf, System.nanoTime());
                    throw e;
                }
                long now = System.nanoTime();
                if (n > 0) {
                    pk.accept(buf, now);
                    continue;
                }
                if (reader.ended()) {
                    return;
                }
                pk.flush(now);
                pk.heartbeat(now);
                input.awaitData(Math.max(MIN_WAIT_NS, pk.nanosToWork(System.nanoTime())));
            }
        } finally {
            pk.drain(System.nanoTime());
            stats.specialEvents.addAndGet(reader.specialEvents());
            stats.timestampRegressions.addAndGet(reader.timestampRegressions());
            stats.skippedPackets.addAndGet(reader.skippedPackets());
        }
    }
}
