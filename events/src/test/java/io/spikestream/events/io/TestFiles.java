package io.spikestream.events.io;

import com.github.luben.zstd.Zstd;
import com.google.flatbuffers.FlatBufferBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jpountz.lz4.LZ4FrameOutputStream;

/** Builders of small files in every format, for edge cases the real fixtures do not cover. */
final class TestFiles {
    private TestFiles() {
    }

    /** A growable little- or big-endian byte sink. */
    static final class Bytes {
        private ByteBuffer b;

        Bytes(ByteOrder order) {
            b = ByteBuffer.allocate(256).order(order);
        }

        private void room(int n) {
            if (b.remaining() < n) {
                ByteBuffer nb = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n)).order(b.order());
                b.flip();
                nb.put(b);
                b = nb;
            }
        }

        Bytes text(String s) {
            byte[] t = s.getBytes(StandardCharsets.UTF_8);
            room(t.length);
            b.put(t);
            return this;
        }

        Bytes raw(byte[] t) {
            room(t.length);
            b.put(t);
            return this;
        }

        Bytes i8(int v) {
            room(1);
            b.put((byte) v);
            return this;
        }

        Bytes i16(int v) {
            room(2);
            b.putShort((short) v);
            return this;
        }

        Bytes i32(long v) {
            room(4);
            b.putInt((int) v);
            return this;
        }

        Bytes i64(long v) {
            room(8);
            b.putLong(v);
            return this;
        }

        int size() {
            return b.position();
        }

        byte[] bytes() {
            return Arrays.copyOf(b.array(), b.position());
        }

        Path write(Path f) {
            try {
                Files.write(f, bytes());
                return f;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Bytes be() {
        return new Bytes(ByteOrder.BIG_ENDIAN);
    }

    static Bytes le() {
        return new Bytes(ByteOrder.LITTLE_ENDIAN);
    }

    // ---- AEDAT 3.1

    static Bytes aedat3Header(String source) {
        return le().text("#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: " + source + "\r\n#Start-Time: 2020-01-01\r\n#!END-HEADER\r\n");
    }

    /** Packet header with eventSize 8, tsOffset 4. */
    static void aedat3Packet(Bytes b, int type, int overflow, int capacity, int number, int valid) {
        b.i16(type).i16(1).i32(8).i32(4).i32(overflow).i32(capacity).i32(number).i32(valid);
    }

    static void aedat3Polarity(Bytes b, int x, int y, boolean on, boolean valid, int ts) {
        b.i32(((long) x << 17) | ((long) y << 2) | (on ? 2 : 0) | (valid ? 1 : 0)).i32(ts);
    }

    // ---- AEDAT 4.0

    static String aedat4Xml(int width, int height, String... extraStreamTypes) {
        StringBuilder s = new StringBuilder("<dv version=\"2.0\">\n<node name=\"outInfo\" path=\"/outInfo/\">\n");
        s.append("<node name=\"0\" path=\"/outInfo/0/\"><attr key=\"typeIdentifier\" type=\"string\">EVTS</attr>")
                .append("<node name=\"info\" path=\"/outInfo/0/info/\"><attr key=\"sizeX\" type=\"int\">").append(width)
                .append("</attr><attr key=\"sizeY\" type=\"int\">").append(height).append("</attr></node></node>\n");
        for (int i = 0; i < extraStreamTypes.length; i++) {
            s.append("<node name=\"").append(i + 1).append("\" path=\"/outInfo/").append(i + 1)
                    .append("/\"><attr key=\"typeIdentifier\" type=\"string\">").append(extraStreamTypes[i]).append("</attr></node>\n");
        }
        return s.append("</node>\n</dv>\n").toString();
    }

    static Bytes aedat4Header(int compression, String xml) {
        FlatBufferBuilder fb = new FlatBufferBuilder();
        int xmlOff = fb.createString(xml);
        fb.startTable(3);
        fb.addLong(1, -1L, 0L);
        fb.addOffset(2, xmlOff, 0);
        fb.addInt(0, compression, -1);
        int root = fb.endTable();
        fb.finishSizePrefixed(root, "IOHE");
        return le().text("#!AER-DAT4.0\r\n").raw(fb.sizedByteArray());
    }

    /** A size-prefixed EVTS flatbuffer: events given as {t, x, y, on} rows. */
    static byte[] evtsPacket(long[][] events) {
        FlatBufferBuilder fb = new FlatBufferBuilder();
        fb.startVector(16, events.length, 8);
        for (int i = events.length - 1; i >= 0; i--) {
            fb.prep(8, 16);
            fb.pad(3);
            fb.putBoolean(events[i][3] != 0);
            fb.putShort((short) events[i][2]);
            fb.putShort((short) events[i][1]);
            fb.putLong(events[i][0]);
        }
        int vec = fb.endVector();
        fb.startTable(1);
        fb.addOffset(0, vec, 0);
        int root = fb.endTable();
        fb.finishSizePrefixed(root, "EVTS");
        return fb.sizedByteArray();
    }

    /** A size-prefixed packet of {@code n} 4-byte elements under identifier {@code id} (IMUS, TRIG, …). */
    static byte[] elementsPacket(String id, int n) {
        FlatBufferBuilder fb = new FlatBufferBuilder();
        fb.startVector(4, n, 4);
        for (int i = 0; i < n; i++) {
            fb.putInt(i);
        }
        int vec = fb.endVector();
        fb.startTable(1);
        fb.addOffset(0, vec, 0);
        int root = fb.endTable();
        fb.finishSizePrefixed(root, id);
        return fb.sizedByteArray();
    }

    static byte[] compress(int compression, byte[] data) {
        try {
            return switch (compression) {
                case 0 -> data;
                case 1, 2 -> {
                    ByteArrayOutputStream bos = new ByteArrayOutputStream();
                    try (LZ4FrameOutputStream os = new LZ4FrameOutputStream(bos)) {
                        os.write(data);
                    }
                    yield bos.toByteArray();
                }
                case 3, 4 -> Zstd.compress(data);
                default -> throw new IllegalArgumentException("compression " + compression);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void aedat4Packet(Bytes b, int stream, byte[] compressed) {
        b.i32(stream).i32(compressed.length).raw(compressed);
    }

    // ---- Prophesee

    static Bytes evt2Header() {
        return le().text("% evt 2.0\n% geometry 640x480\n% end\n");
    }

    static int evt2Cd(boolean on, int tLow, int x, int y) {
        return ((on ? 1 : 0) << 28) | (tLow << 22) | (x << 11) | y;
    }

    static int evt2High(long high) {
        return (int) (0x80000000L | (high & 0x0FFFFFFF));
    }

    static Bytes evt3Header() {
        return le().text("% evt 3.0\n% format EVT3;height=720;width=1280\n% end\n");
    }

    static Bytes datHeader(int width, int height) {
        return le().text("% Data file containing CD events.\n% Version 2\n% Width " + width + "\n% Height " + height + "\n")
                .i8(12).i8(8);
    }

    static void datEvent(Bytes b, long t, int x, int y, boolean on) {
        b.i32(t).i32(((long) (on ? 1 : 0) << 28) | ((long) y << 14) | x);
    }
}
