package io.spikestream.events.io;

import com.github.luben.zstd.ZstdInputStream;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * DV AEDAT 4.0: {@code #!AER-DAT4.0\r\n}, an int32-size-prefixed IOHeader flatbuffer (compression,
 * data-table position, XML description of the streams), then packets: int32 stream id, int32 size,
 * and that many bytes of a (LZ4-frame or ZSTD compressed) flatbuffer. The first stream whose type is
 * {@code EVTS} is decoded; trigger and IMU packets are counted as special events; every other
 * packet is skipped without decompressing it. Geometry comes from the stream's {@code sizeX} /
 * {@code sizeY}. A packet may be at most {@link ReadOptions#maxDecompressedPacketBytes()} bytes,
 * compressed or not.
 */
final class Aedat4Reader extends StreamReader {
    private static final byte[] MAGIC = "#!AER-DAT4.0\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The IOHeader holds a short XML text; refuse anything absurd before allocating. */
    static final int MAX_IO_HEADER = 16 << 20;

    private final int maxPacket;
    private final Aedat4Tables.Compression compression;
    private final long dataEnd;
    private final int eventStream;
    private final Map<Integer, String> streamTypes;
    private long skippedPackets;

    /** The current EVTS packet: decompressed buffer, next element index, element count. */
    private ByteBuffer packet;
    private int packetStart;
    private int next;
    private int count;
    private long packetOffset;

    Aedat4Reader(Path file, ReadOptions options) {
        this(new FileInput(file), options, true);
    }

    /**
     * @param versionLine whether the bytes start with the {@code #!AER-DAT4.0} line: files do; DV's
     *                    network stream (TCP output and server modules) starts at the IOHeader size
     */
    Aedat4Reader(FileInput input, ReadOptions options, boolean versionLine) {
        super(input, options);
        this.maxPacket = options.maxDecompressedPacketBytes();
        Header h = closing(in, () -> readHeader(options, versionLine));
        this.compression = h.compression();
        this.dataEnd = h.dataEnd();
        this.eventStream = h.eventStream();
        this.streamTypes = h.streamTypes();
    }

    /** What the IOHeader says: packet compression, where packets end, the EVTS stream id (-1: none), stream types. */
    private record Header(Aedat4Tables.Compression compression, long dataEnd, int eventStream,
            Map<Integer, String> streamTypes) {
    }

    private Header readHeader(ReadOptions options, boolean versionLine) {
        if (versionLine) {
            byte[] magic = new byte[MAGIC.length];
            if (in.size() < MAGIC.length + 4) {
                throw in.error(0, "too short for an AEDAT 4.0 header (" + in.size() + " bytes)");
            }
            in.readFully(magic, "the version line");
            if (!Arrays.equals(magic, MAGIC)) {
                throw in.error(0, "no '#!AER-DAT4.0' version line: not an AEDAT 4.0 " + in.noun());
            }
        }
        if (!in.ensure(4)) {
            throw in.error(in.offset(), in.noun() + " ends before the IOHeader size");
        }
        long sizeAt = in.offset();
        int size = in.buffer(ByteOrder.LITTLE_ENDIAN).getInt(in.buffer().position());
        in.skip(4);
        if (size < 8 || size > MAX_IO_HEADER || size > in.remainingInFile()) {
            throw in.error(sizeAt, "IOHeader size " + size + " outside 8.." + Math.min(MAX_IO_HEADER, in.remainingInFile()));
        }
        byte[] raw = new byte[size];
        in.readFully(raw, "the IOHeader");
        Aedat4Tables.Compression comp;
        long tablePos;
        String xml;
        try {
            Aedat4Tables.IOHeader h = Aedat4Tables.IOHeader.root(ByteBuffer.wrap(raw));
            int c = h.compression();
            if (c < 0 || c >= Aedat4Tables.Compression.values().length) {
                throw in.error(sizeAt + 4, "unknown compression type " + c + " in the IOHeader");
            }
            comp = Aedat4Tables.Compression.values()[c];
            tablePos = h.dataTablePosition();
            xml = h.infoNode();
        } catch (RecordingFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw in.error(sizeAt + 4, "corrupt IOHeader flatbuffer: " + e);
        }
        if (xml == null) {
            throw in.error(sizeAt + 4, "IOHeader without the XML stream description");
        }
        Map<Integer, Aedat4Info.Stream> streams = Aedat4Info.parse(xml, in, sizeAt + 4);
        Map<Integer, String> types = new HashMap<>();
        int evts = -1;
        SensorGeometry g = null;
        for (Map.Entry<Integer, Aedat4Info.Stream> e : streams.entrySet()) {
            types.put(e.getKey(), e.getValue().type());
            if (evts < 0 && "EVTS".equals(e.getValue().type())) {
                evts = e.getKey();
                g = e.getValue().geometry();
            }
        }
        if (evts >= 0 && g == null && options.geometry() == null) {
            throw in.error(sizeAt + 4, "event stream " + evts + " has no valid sizeX/sizeY in the XML description");
        }
        long end = tablePos >= in.offset() && tablePos <= in.size() ? tablePos : in.size();
        // a file without any event stream has no polarity events; its geometry is still needed
        resolveGeometry(options, g != null ? g : new SensorGeometry(1, 1), null);
        return new Header(comp, end, evts, types);
    }

    @Override
    public RecordingFormat format() {
        return RecordingFormat.AEDAT4;
    }

    /** True once the packets end: at the data table a file's header points to (a stream without one never ends here). */
    boolean atDataEnd() {
        return next >= count && in.offset() >= dataEnd;
    }

    /** Packets of streams other than events, triggers and IMU, skipped without decoding. */
    long skippedPackets() {
        return skippedPackets;
    }

    @Override
    public int read(EventBuffer out, int maxEvents) {
        int n = 0;
        while (n < maxEvents) {
            if (next >= count) {
                if (!nextEventPacket()) {
                    return n;
                }
                continue;
            }
            int k = Math.min(count - next, maxEvents - n);
            out.ensureSpace(k);
            ByteBuffer b = packet;
            int p = packetStart + next * Aedat4Tables.EVENT_STRUCT_SIZE;
            for (int i = 0; i < k; i++, p += Aedat4Tables.EVENT_STRUCT_SIZE) {
                emit(out, b.getShort(p + 8), b.getShort(p + 10), b.get(p + 12) != 0, b.getLong(p), packetOffset);
            }
            next += k;
            n += k;
        }
        return n;
    }

    /** Advances to the next EVTS packet with elements, counting trigger/IMU ones; false at the end. */
    private boolean nextEventPacket() {
        while (true) {
            long at = in.offset();
            if (at >= dataEnd) {
                return false;
            }
            if (!in.more(8)) {
                if (!in.ended() || in.remaining() == 0) {
                    return false; // a stream: the next packet has not come yet, or it ended between packets
                }
                throw in.error(at, in.noun() + " ends inside a packet header (" + in.remaining() + " of 8 bytes)");
            }
            ByteBuffer b = in.buffer(ByteOrder.LITTLE_ENDIAN);
            int stream = b.getInt(b.position());
            int size = b.getInt(b.position() + 4);
            in.skip(8);
            if (size < 0 || size > in.remainingInFile()) {
                throw in.error(at + 4, "packet size " + size + " outside 0.." + in.remainingInFile() + " (bytes left)");
            }
            String type = streamTypes.get(stream);
            if (type == null) {
                throw in.error(at, "packet of stream " + stream + ", which the header does not declare");
            }
            boolean events = stream == eventStream;
            boolean counted = "TRIG".equals(type) || "IMUS".equals(type);
            if (!events && !counted) {
                skippedPackets++;
                if (!in.skip(size)) {
                    throw in.error(at, in.noun() + " ends inside a packet of stream " + stream + " (" + size + " bytes)");
                }
                continue;
            }
            if (size > maxPacket) {
                throw in.error(at + 4, "packet size " + size + " exceeds the limit of " + maxPacket + " bytes");
            }
            byte[] compressed = new byte[size];
            in.readFully(compressed, "a packet");
            ByteBuffer flat = decompress(compressed, at);
            Aedat4Tables.ElementsPacket pk;
            int len;
            int start;
            try {
                flat = rootView(flat, events ? "EVTS" : type, at);
                pk = Aedat4Tables.ElementsPacket.root(flat);
                len = pk.elementsLength();
                start = pk.elementsStart();
            } catch (RecordingFormatException e) {
                throw e;
            } catch (RuntimeException e) {
                throw in.error(at, "corrupt " + type + " packet flatbuffer: " + e);
            }
            if (!events) {
                if (len < 0 || (long) len * 8 > flat.limit()) {
                    throw in.error(at, "corrupt " + type + " packet: " + len + " elements in " + flat.limit() + " bytes");
                }
                special += len;
                continue;
            }
            if (!Aedat4Tables.vectorFits(flat, start, len, Aedat4Tables.EVENT_STRUCT_SIZE)) {
                throw in.error(at, "corrupt EVTS packet: " + len + " events from index " + start
                        + " do not fit its " + flat.limit() + " bytes");
            }
            packet = flat;
            packetStart = start;
            packetOffset = at;
            next = 0;
            count = len;
            if (len > 0) {
                return true;
            }
        }
    }

    /**
     * The flatbuffer of a packet: DV writes it size-prefixed; accept it without the prefix too, as
     * long as the file identifier is where it must be.
     */
    private ByteBuffer rootView(ByteBuffer flat, String id, long at) {
        flat.order(ByteOrder.LITTLE_ENDIAN);
        if (flat.limit() >= 12 && hasId(flat, 8, id)) {
            int declared = flat.getInt(0);
            if (declared < 0 || declared > flat.limit() - 4) {
                throw in.error(at, "packet flatbuffer declares " + declared + " bytes but has " + (flat.limit() - 4));
            }
            return flat.position(4).slice().order(ByteOrder.LITTLE_ENDIAN);
        }
        if (flat.limit() >= 8 && hasId(flat, 4, id)) {
            return flat;
        }
        throw in.error(at, "packet of stream type " + id + " lacks its flatbuffer identifier");
    }

    private static boolean hasId(ByteBuffer b, int index, String id) {
        for (int i = 0; i < 4; i++) {
            if (b.get(index + i) != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Inflates into at most {@code maxPacket} bytes: a packet that would grow past it is refused. */
    private ByteBuffer decompress(byte[] data, long at) {
        if (compression == Aedat4Tables.Compression.NONE) {
            return ByteBuffer.wrap(data);
        }
        if (compression == Aedat4Tables.Compression.LZ4 || compression == Aedat4Tables.Compression.LZ4_HIGH) {
            try {
                Lz4Frame.Output o = Lz4Frame.decompress(data, maxPacket);
                return ByteBuffer.wrap(o.data(), 0, o.length()).slice();
            } catch (Lz4Frame.Lz4Exception e) {
                throw in.error(at, "cannot decompress LZ4 packet: " + e.getMessage());
            }
        }
        try (InputStream is = new ZstdInputStream(new ByteArrayInputStream(data))) {
            byte[] out = new byte[Math.min(maxPacket, Math.max(4096, data.length * 4))];
            int n = 0;
            while (true) {
                if (n == out.length) {
                    if (out.length >= maxPacket) {
                        if (is.read() < 0) {
                            break;
                        }
                        throw in.error(at, "packet decompresses to more than " + maxPacket
                                + " bytes (limit; a decompression bomb or a corrupt packet)");
                    }
                    out = Arrays.copyOf(out, (int) Math.min(maxPacket, out.length * 2L));
                }
                int r = is.read(out, n, out.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            return ByteBuffer.wrap(out, 0, n).slice();
        } catch (IOException | RuntimeException e) {
            if (e instanceof RecordingFormatException rfe) {
                throw rfe;
            }
            throw in.error(at, "cannot decompress " + compression + " packet: " + e.getMessage());
        }
    }
}
