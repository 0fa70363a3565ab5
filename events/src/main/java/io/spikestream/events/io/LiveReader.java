package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.util.function.Supplier;

/**
 * Decodes a recording format from bytes that arrive over time ({@link LiveBytes}): a camera tool's
 * pipe, DV's network stream, a file that is still being written. The decoders are the file readers
 * themselves, so a live stream decodes exactly as the same bytes in a file would (time unwrapping,
 * address layouts, special events, error messages with the byte offset). The difference:
 * {@link #read} returns as soon as the complete units that have arrived are decoded, with 0 when
 * nothing complete is there yet; {@link #ended()} then tells whether more can come. Not thread-safe.
 */
public final class LiveReader implements AutoCloseable {
    /** Stream buffer: holds the largest unit a decoder needs whole (an AEDAT 4 packet header, a word). */
    static final int BUFFER = 1 << 20;
    /** jAER datagrams are at most 64 KiB. */
    static final int DATAGRAM_BUFFER = 128 << 10;

    /** jAER's raw address layouts (the chip classes of its extractors). */
    public enum AddressLayout {
        DVS128(Aedat2Reader.Layout.DVS128),
        DAVIS240(Aedat2Reader.Layout.DAVIS240),
        DAVIS346(Aedat2Reader.Layout.DAVIS346);

        final Aedat2Reader.Layout layout;

        AddressLayout(Aedat2Reader.Layout layout) {
            this.layout = layout;
        }

        /** The sensor's pixel array. */
        public SensorGeometry geometry() {
            return layout.geometry;
        }
    }

    private final FileInput in;
    private final StreamReader reader;

    private LiveReader(FileInput in, StreamReader reader) {
        this.in = in;
        this.reader = reader;
    }

    /**
     * A recording format as a stream: {@code EVT2} and {@code EVT3} (with or without the {@code %}
     * header), {@code AEDAT2} (with its {@code #} header) and {@code AEDAT4} (the file layout, from its
     * version line). The header is read here, waiting for its bytes. Geometry: {@code options}, else the
     * header's.
     *
     * @throws RecordingFormatException when the header is malformed or names no geometry and
     *                                  {@code options} gives none
     * @throws IllegalArgumentException for a format that cannot be read as a stream
     */
    public static LiveReader open(LiveBytes bytes, RecordingFormat format, ReadOptions options) {
        FileInput in = new FileInput(bytes, BUFFER);
        return new LiveReader(in, header(in, () -> switch (format) {
            case EVT2 -> new Evt2Reader(in, options);
            case EVT3 -> new Evt3Reader(in, options);
            case AEDAT2 -> new Aedat2Reader(in, RecordingFormat.AEDAT2, options);
            case AEDAT4 -> new Aedat4Reader(in, options, true);
            default -> throw new IllegalArgumentException(format.id() + " cannot be read as a live stream"
                    + " (live formats: evt2, evt3, aedat2, aedat4)");
        }));
    }

    /**
     * DV's AEDAT 4 network stream, as its TCP output and server modules send it: the IOHeader (int32
     * size, flatbuffer) without the file's version line, then packets (int32 stream id, int32 size,
     * flatbuffer). The first event stream is decoded; trigger and IMU elements are counted as special
     * events, packets of other streams are skipped and counted ({@link #skippedPackets()}).
     */
    public static LiveReader dvNetwork(LiveBytes bytes, ReadOptions options) {
        FileInput in = new FileInput(bytes, BUFFER);
        return new LiveReader(in, header(in, () -> new Aedat4Reader(in, options, false)));
    }

    /**
     * Headerless jAER events (big-endian int32 address, int32 µs timestamp), the payload of jAER's
     * unicast AE datagrams after their sequence number, decoded in {@code layout}.
     */
    public static LiveReader jaerEvents(LiveBytes bytes, AddressLayout layout, ReadOptions options) {
        FileInput in = new FileInput(bytes, DATAGRAM_BUFFER);
        return new LiveReader(in, new Aedat2Reader(in, layout.layout, options));
    }

    private static StreamReader header(FileInput in, Supplier<StreamReader> make) {
        try {
            return make.get();
        } catch (StreamReader.GeometryUnknown e) {
            throw in.error(0, "the stream's header names no sensor geometry: give it (e.g. ingest --geometry WxH)");
        }
    }

    /**
     * Appends up to {@code maxEvents} polarity events of the units that have arrived; 0 when none is
     * complete yet or the stream has ended ({@link #ended()}).
     *
     * @throws RecordingFormatException when the bytes are malformed at the current position (the
     *                                  message names the stream and the byte offset)
     */
    public int read(EventBuffer out, int maxEvents) {
        return reader.read(out, maxEvents);
    }

    /** True when the stream has ended and every byte of it is decoded (after {@link #read} returned 0). */
    public boolean ended() {
        if (reader instanceof Aedat4Reader a && a.atDataEnd()) {
            return true; // the rest of a finished AEDAT 4 file is its data table
        }
        return in.ended() && in.remaining() == 0;
    }

    public SensorGeometry geometry() {
        return reader.geometry();
    }

    public RecordingFormat format() {
        return reader.format();
    }

    /** Non-polarity events decoded so far (triggers, IMU samples, special addresses). */
    public long specialEvents() {
        return reader.specialEvents();
    }

    /** Polarity events whose timestamp is lower than their predecessor's, so far. */
    public long timestampRegressions() {
        return reader.timestampRegressions();
    }

    /** AEDAT 4: packets of other streams (frames and the like), skipped without decoding. */
    public long skippedPackets() {
        return reader instanceof Aedat4Reader a ? a.skippedPackets() : 0;
    }

    /** Bytes consumed so far, which is the offset error messages count from. */
    public long position() {
        return in.offset();
    }

    /** Releases the decoder; the stream belongs to the caller, which closes it. */
    @Override
    public void close() {
        reader.close();
    }
}
