package io.spikestream.ingest;

import io.spikestream.events.EventDataException;
import io.spikestream.events.io.LiveReader;
import io.spikestream.events.io.RecordingFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A client of DV's TCP output/server module (AEDAT 4 network stream). It reconnects with backoff when
 * the connection fails or closes, and continues the camera where it left off: the packetizer, its
 * sequence numbers and watermark carry across connections, and every event received whole is sent.
 * A malformed stream is an error naming the connection and byte offset; the source then reconnects.
 */
final class DvTcpSource extends Source {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int RING = 8 << 20;

    private final SourceSpec.DvTcp spec;
    private volatile Socket socket;
    private volatile PumpedInput input;

    DvTcpSource(SourceConfig config, IngestConfig ingest, SourceStats stats, PacketQueue queue, IngestListener listener) {
        super(config, ingest, stats, queue, listener);
        this.spec = (SourceSpec.DvTcp) config.spec();
    }

    @Override
    void body() throws InterruptedException {
        long backoff = ingest.reconnectMin().toNanos();
        long failedAttempts = 0;
        Packetizer pk = null;
        while (!stopping) {
            stats.state(SourceStats.State.CONNECTING);
            Socket s = new Socket();
            socket = s;
            try {
                s.setReceiveBufferSize(4 << 20);
                s.connect(new InetSocketAddress(spec.host(), spec.port()), CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                closeQuietly(s);
                if (stopping) {
                    break;
                }
                stats.connectFailures.incrementAndGet();
                // the first failure of a series is news; then one line in ten, so a camera that is off does not flood the log
                if (++failedAttempts % 10 == 1) {
                    stats.lastError(spec.uri() + ": cannot connect (" + e.getMessage() + ")");
                    listener.error(config, spec.uri() + ": cannot connect (" + e.getMessage() + "), attempt " + failedAttempts
                            + "; retrying every " + Math.min(backoff, ingest.reconnectMax().toNanos()) / 1_000_000 + " ms or less");
                }
                pause(backoff);
                backoff = Math.min(ingest.reconnectMax().toNanos(), backoff * 2);
                continue;
            }
            failedAttempts = 0;
            long n = stats.connections.incrementAndGet();
            if (n > 1) {
                stats.reconnects.incrementAndGet();
            }
            String name = spec.uri() + " (connection " + n + ")";
            long eventsBefore = stats.eventsIn();
            try (PumpedInput in = pumped(name, s)) {
                input = in;
                try {
                    LiveReader r = LiveReader.dvNetwork(in, readOptions());
                    if (pk == null) {
                        pk = packetizer(r.geometry());
                    } else if (!r.geometry().equals(pk.geometry())) {
                        throw new EventDataException(name + ": the camera's sensor changed from " + pk.geometry() + " to "
                                + r.geometry() + "; give the new camera its own --camera id");
                    }
                    stats.state(SourceStats.State.RUNNING);
                    listener.message(name + ": connected, " + r.geometry() + " sensor");
                    decode(r, in, pk);
                    if (!stopping) {
                        listener.message(name + ": closed by the camera; reconnecting");
                    }
                } catch (RecordingFormatException | UncheckedIOException e) {
                    if (stopping) {
                        break;
                    }
                    // bytes that end inside a packet because the connection closed are a disconnection, not malformed data
                    if (e instanceof RecordingFormatException && !in.ended()) {
                        stats.malformed.incrementAndGet();
                    }
                    fail(e.getMessage() + "; reconnecting");
                }
            } finally {
                closeQuietly(s);
            }
            if (stats.eventsIn() > eventsBefore) {
                backoff = ingest.reconnectMin().toNanos();
            }
            if (!stopping) {
                pause(backoff);
                backoff = Math.min(ingest.reconnectMax().toNanos(), backoff * 2);
            }
        }
    }

    private static PumpedInput pumped(String name, Socket s) {
        try {
            return new PumpedInput(name, s.getInputStream(), RING);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        }
    }

    @Override
    void interruptIo() {
        PumpedInput in = input;
        if (in != null) {
            in.close();
        }
        Socket s = socket;
        if (s != null) {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
