package io.spikestream.events.io;

import com.github.luben.zstd.Zstd;
import com.google.flatbuffers.FlatBufferBuilder;
import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * Writes DV's AEDAT 4.0: as a file ({@code #!AER-DAT4.0\r\n}, then the IOHeader) or as DV's network
 * stream (the IOHeader first, as the TCP output and server modules send it). The IOHeader is an
 * int32-size-prefixed flatbuffer (identifier {@code IOHE}: compression, data-table position -1, and
 * the XML description of the streams in DV's {@code outInfo} layout); each packet is an int32 stream
 * id, an int32 size and the size-prefixed flatbuffer (identifier {@code EVTS} for events: a vector of
 * 16-byte {@code Event} structs t:int64, x:int16, y:int16, on:bool), compressed as the header says.
 * Stream 0 carries polarity events; further declared streams (e.g. {@code FRME}) take opaque packets
 * ({@link #writeOther}). No data table is written (readers rebuild it or stream without one).
 * {@link Recordings#readAll} and {@link LiveReader} give back exactly the events written. Not
 * thread-safe; one writer per output.
 */
public final class Aedat4Writer implements AutoCloseable {
    static final byte[] VERSION_LINE = "#!AER-DAT4.0\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Packet compression, as IOHeader.fbs numbers it (the HIGH variants read the same way). */
    public enum Compression {
        NONE(0, "NONE"), LZ4(1, "LZ4"), ZSTD(3, "ZSTD");

        final int code;
        final String xmlName;

        Compression(int code, String xmlName) {
            this.code = code;
            this.xmlName = xmlName;
        }
    }

    /** The two layouts: a file has the version line, the network stream starts at the IOHeader. */
    public enum Target {
        FILE, NETWORK
    }

    private final OutputStream out;
    private final SensorGeometry geometry;
    private final Compression compression;
    private final List<String> otherStreams;
    private final ByteBuffer packetHeader = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private final FlatBufferBuilder builder = new FlatBufferBuilder(1 << 16);
    private final EventBuffer scratch;
    private long bytes;

    private Aedat4Writer(OutputStream out, SensorGeometry geometry, Compression compression, List<String> otherStreams) {
        this.out = out;
        this.geometry = geometry;
        this.compression = compression;
        this.otherStreams = List.copyOf(otherStreams);
        this.scratch = new EventBuffer(geometry, 0);
    }

    /**
     * Starts an AEDAT 4 output on {@code out} and writes its header. Stream 0 holds polarity events of
     * a {@code geometry} sensor named {@code source}; {@code otherStreamTypes} declares streams 1, 2, …
     * of those type identifiers.
     */
    public static Aedat4Writer open(OutputStream out, Target target, SensorGeometry geometry, Compression compression,
                                    String source, String... otherStreamTypes) {
        Aedat4Writer w = new Aedat4Writer(out, geometry, compression, List.of(otherStreamTypes));
        w.writeHeader(target, source);
        return w;
    }

    /** Writes {@code events} to a new AEDAT 4 file, {@code perPacket} events per packet. */
    public static void write(Path file, EventBatch events, Compression compression, int perPacket) {
        if (perPacket < 1) {
            throw new IllegalArgumentException("perPacket " + perPacket + " < 1");
        }
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
             Aedat4Writer w = open(os, Target.FILE, events.geometry(), compression, "spikestream")) {
            for (int i = 0; i < events.size(); i += perPacket) {
                w.writeEvents(events, i, Math.min(events.size(), i + perPacket));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void writeHeader(Target target, String source) {
        FlatBufferBuilder fb = new FlatBufferBuilder(4096);
        int xml = fb.createString(description(source));
        fb.startTable(3);
        fb.addLong(1, -1L, 0L);   // dataTablePosition: no table
        fb.addOffset(2, xml, 0);
        fb.addInt(0, compression.code, -1);
        fb.finish(fb.endTable(), "IOHE");
        byte[] header = fb.sizedByteArray();
        ByteBuffer size = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, header.length);
        if (target == Target.FILE) {
            put(VERSION_LINE, 0, VERSION_LINE.length);
        }
        put(size.array(), 0, 4);
        put(header, 0, header.length);
    }

    /** DV's XML stream description: one node per stream under {@code outInfo}. */
    private String description(String source) {
        StringBuilder s = new StringBuilder("<dv version=\"2.0\">\n  <node name=\"outInfo\" path=\"/mainloop/spikestream/outInfo/\">\n");
        stream(s, 0, "EVTS", "events", "Array of events (polarity ON/OFF).", source);
        for (int i = 0; i < otherStreams.size(); i++) {
            stream(s, i + 1, otherStreams.get(i), otherStreams.get(i).toLowerCase(Locale.ROOT), "", source);
        }
        return s.append("  </node>\n</dv>\n").toString();
    }

    private void stream(StringBuilder s, int id, String type, String output, String description, String source) {
        String path = "/mainloop/spikestream/outInfo/" + id + "/";
        s.append("    <node name=\"").append(id).append("\" path=\"").append(path).append("\">\n");
        attr(s, "compression", "string", compression.xmlName);
        attr(s, "originalModuleName", "string", "spikestream");
        attr(s, "originalOutputName", "string", output);
        attr(s, "typeDescription", "string", description);
        attr(s, "typeIdentifier", "string", type);
        s.append("      <node name=\"info\" path=\"").append(path).append("info/\">\n");
        if (id == 0) {
            attr(s, "sizeX", "int", Integer.toString(geometry.width()));
            attr(s, "sizeY", "int", Integer.toString(geometry.height()));
        }
        attr(s, "source", "string", source);
        s.append("      </node>\n    </node>\n");
    }

    private static void attr(StringBuilder s, String key, String type, String value) {
        s.append("        <attr key=\"").append(key).append("\" type=\"").append(type).append("\">")
                .append(escape(value)).append("</attr>\n");
    }

    private static String escape(String v) {
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * Writes events {@code from..to-1} as one EVTS packet of stream 0.
     *
     * @throws IllegalArgumentException when an event lies outside the sensor
     */
    public void writeEvents(EventBatch events, int from, int to) {
        if (from < 0 || to > events.size() || from > to) {
            throw new IndexOutOfBoundsException("range " + from + ".." + to + " of " + events.size());
        }
        scratch.clear();
        events.slice(from, to).copyTo(scratch);
        writeEvents(scratch, 0, to - from);
    }

    /** As {@link #writeEvents(EventBatch, int, int)} for events of a buffer. */
    public void writeEvents(EventBuffer events, int from, int to) {
        if (from < 0 || to > events.size() || from > to) {
            throw new IndexOutOfBoundsException("range " + from + ".." + to + " of " + events.size());
        }
        int n = to - from;
        FlatBufferBuilder fb = builder;
        fb.clear();
        fb.startVector(Aedat4Tables.EVENT_STRUCT_SIZE, n, 8);
        for (int i = to - 1; i >= from; i--) {
            int x = events.x(i);
            int y = events.y(i);
            if (!geometry.contains(x, y)) {
                throw new IllegalArgumentException("event " + i + " at (" + x + ", " + y + ") outside the " + geometry + " sensor");
            }
            // struct Event { t: int64; x: int16; y: int16; on: bool; } laid out back to front
            fb.prep(8, Aedat4Tables.EVENT_STRUCT_SIZE);
            fb.pad(3);
            fb.putBoolean(events.on(i));
            fb.putShort((short) y);
            fb.putShort((short) x);
            fb.putLong(events.t(i));
        }
        int vector = fb.endVector();
        fb.startTable(1);
        fb.addOffset(0, vector, 0);
        fb.finishSizePrefixed(fb.endTable(), "EVTS");
        ByteBuffer data = fb.dataBuffer();
        writePacket(0, data.array(), data.position(), data.remaining());
    }

    /** Writes {@code body} (a flatbuffer of that stream's type, or any bytes) as a packet of declared stream {@code streamId} ≥ 1. */
    public void writeOther(int streamId, byte[] body) {
        if (streamId < 1 || streamId > otherStreams.size()) {
            throw new IllegalArgumentException("stream " + streamId + " is not declared (1.." + otherStreams.size() + ")");
        }
        writePacket(streamId, body, 0, body.length);
    }

    private void writePacket(int stream, byte[] data, int off, int len) {
        byte[] body = data;
        int bodyOff = off;
        int bodyLen = len;
        if (compression != Compression.NONE) {
            body = compress(data, off, len);
            bodyOff = 0;
            bodyLen = body.length;
        }
        packetHeader.putInt(0, stream).putInt(4, bodyLen);
        put(packetHeader.array(), 0, 8);
        put(body, bodyOff, bodyLen);
    }

    private byte[] compress(byte[] data, int off, int len) {
        if (compression == Compression.ZSTD) {
            return Zstd.compress(Arrays.copyOfRange(data, off, off + len));
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream(len / 2 + 64);
        // 64 KiB blocks: the default 4 MiB block would be allocated for every packet
        try (LZ4FrameOutputStream lz4 = new LZ4FrameOutputStream(bos, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB)) {
            lz4.write(data, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    private void put(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write AEDAT 4: " + e.getMessage(), e);
        }
        bytes += len;
    }

    /** Bytes written so far. */
    public long bytesWritten() {
        return bytes;
    }

    /** Flushes the output (a network stream's packets go out now). */
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write AEDAT 4: " + e.getMessage(), e);
        }
    }

    /** Flushes; the output stream stays open (it belongs to the caller). */
    @Override
    public void close() {
        flush();
    }
}
