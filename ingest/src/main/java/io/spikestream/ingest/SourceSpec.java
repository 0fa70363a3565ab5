package io.spikestream.ingest;

import io.spikestream.events.io.LiveReader;
import io.spikestream.events.io.RecordingFormat;
import java.nio.file.Path;
import java.util.Locale;

/** Where a live camera's events come from, and in which format. */
public sealed interface SourceSpec permits SourceSpec.DvTcp, SourceSpec.Udp, SourceSpec.ByteStream {

    /** The source as the user names it, e.g. {@code dv-tcp://127.0.0.1:7777}. */
    String uri();

    /** The overflow policy when none is given: block where the sender can be slowed down, drop where it cannot. */
    Overflow defaultOverflow();

    /** DV's AEDAT 4 network stream: ingest connects to DV's TCP output/server module. */
    record DvTcp(String host, int port) implements SourceSpec {
        public DvTcp {
            checkPort(port);
        }

        @Override
        public String uri() {
            return "dv-tcp://" + host + ":" + port;
        }

        @Override
        public Overflow defaultOverflow() {
            return Overflow.BLOCK;
        }
    }

    /** The UDP datagram formats. */
    enum UdpFormat {
        AESTREAM, JAER;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * UDP datagrams that a camera tool sends to ingest, which listens on {@code host:port}.
     *
     * @param layout jAER's address layout (ignored for AEStream)
     */
    record Udp(String host, int port, UdpFormat format, LiveReader.AddressLayout layout) implements SourceSpec {
        public Udp {
            checkPort(port);
        }

        @Override
        public String uri() {
            return "udp://" + host + ":" + port + "?format=" + format.id()
                    + (format == UdpFormat.JAER && layout != LiveReader.AddressLayout.DVS128 ? "&chip=" + layout.name().toLowerCase(Locale.ROOT) : "");
        }

        @Override
        public Overflow defaultOverflow() {
            return Overflow.DROP_OLDEST;
        }
    }

    /**
     * A raw recording stream: a file (followed as it grows when {@code follow}), a FIFO, or standard
     * input ({@code path} null).
     *
     * @param format the stream's format; null: detected from a regular file's header
     */
    record ByteStream(Path path, RecordingFormat format, boolean follow) implements SourceSpec {
        @Override
        public String uri() {
            return path == null ? "-" : "file:" + path;
        }

        @Override
        public Overflow defaultOverflow() {
            return Overflow.BLOCK;
        }
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " outside 1..65535");
        }
    }
}
