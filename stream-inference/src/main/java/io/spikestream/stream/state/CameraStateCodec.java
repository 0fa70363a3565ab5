package io.spikestream.stream.state;

import io.spikestream.events.PacketCodec;
import io.spikestream.events.PacketFormatException;
import io.spikestream.events.SensorGeometry;
import io.spikestream.proto.v1.EventPacket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.charset.StandardCharsets;

/**
 * The changelogged form of a {@link CameraState}: a version byte, varints, frames as delta-coded
 * sparse index lists, and the partial frame's events in the wire's packed event encoding. An N-MNIST
 * episode of 10 frames takes about 1–3 KB. Version 2 adds the last input record applied (partition and
 * offset); version 1 states read with none.
 */
public final class CameraStateCodec {
    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_INPUT = 1;
    private static final int MAX_FRAMES = 1 << 16;

    private CameraStateCodec() {
    }

    public static byte[] encode(CameraState s) {
        Out o = new Out(256 + s.partial.size() * 4);
        o.varint(VERSION);
        o.varint(s.generation);
        o.varint(s.nextEpisode);
        o.varint(s.phase.ordinal());
        o.varint(s.episode);
        o.varint(s.replayed ? 1 : 0);
        o.string(s.sampleId);
        o.varint(s.hasLabel ? 1 : 0);
        o.zigzag(s.label);
        o.zigzag(s.episodeStartUs);
        o.zigzag(s.lastEventUs);
        o.zigzag(s.lastIntendedNs);
        o.zigzag(s.lastRecordWallNs);
        o.zigzag(s.inputPartition);
        o.zigzag(s.inputOffset);
        o.varint(s.frames.size());
        for (StoredFrame f : s.frames) {
            o.zigzag(f.endUs());
            o.varint(f.events());
            o.varint(f.closedByCall() ? 1 : 0);
            o.zigzag(f.closingIntendedNs());
            o.varint(f.index().length);
            o.varint(f.value() == null ? 0 : 1);
            int prev = -1;
            for (int k = 0; k < f.index().length; k++) {
                o.varint(f.index()[k] - prev);
                prev = f.index()[k];
                if (f.value() != null) {
                    int bits = Float.floatToIntBits(f.value()[k]);
                    o.buf.write(bits >>> 24);
                    o.buf.write(bits >>> 16);
                    o.buf.write(bits >>> 8);
                    o.buf.write(bits);
                }
            }
        }
        byte[] partial = s.partial.size() == 0 ? new byte[0]
                : PacketCodec.encode(s.partial, 0, s.partial.size()).build().toByteArray();
        o.varint(partial.length);
        o.buf.write(partial, 0, partial.length);
        return o.buf.toByteArray();
    }

    /**
     * @param frameSize values per frame of the model, to check stored indices
     * @throws IllegalStateException naming the field when the bytes are not a state this version wrote
     */
    public static CameraState decode(byte[] bytes, SensorGeometry geometry, int frameSize) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            int version = (int) varint(in);
            if (version != VERSION && version != VERSION_WITHOUT_INPUT) {
                throw new IllegalStateException("camera state: version " + version + ", expected " + VERSION_WITHOUT_INPUT
                        + " or " + VERSION);
            }
            CameraState s = new CameraState(geometry);
            s.generation = varint(in);
            s.nextEpisode = varint(in);
            int phase = (int) varint(in);
            if (phase < 0 || phase >= CameraState.Phase.values().length) {
                throw new IllegalStateException("camera state: phase " + phase);
            }
            s.phase = CameraState.Phase.values()[phase];
            s.episode = varint(in);
            s.replayed = varint(in) != 0;
            int len = (int) varint(in);
            if (len < 0 || len > in.remaining()) {
                throw new IllegalStateException("camera state: sample id length " + len);
            }
            byte[] sid = new byte[len];
            in.get(sid);
            s.sampleId = new String(sid, StandardCharsets.UTF_8);
            s.hasLabel = varint(in) != 0;
            s.label = (int) zigzag(in);
            s.episodeStartUs = zigzag(in);
            s.lastEventUs = zigzag(in);
            s.lastIntendedNs = zigzag(in);
            s.lastRecordWallNs = zigzag(in);
            if (version >= VERSION) {
                s.inputPartition = (int) zigzag(in);
                s.inputOffset = zigzag(in);
            }
            long frames = varint(in);
            if (frames < 0 || frames > MAX_FRAMES) {
                throw new IllegalStateException("camera state: frame count " + frames);
            }
            for (int j = 0; j < frames; j++) {
                long endUs = zigzag(in);
                int events = (int) varint(in);
                boolean byCall = varint(in) != 0;
                long closingNs = zigzag(in);
                long nz = varint(in);
                if (nz < 0 || nz > frameSize) {
                    throw new IllegalStateException("camera state: frame " + j + " has " + nz + " non-zero values, frame size " + frameSize);
                }
                boolean hasValues = varint(in) != 0;
                int[] idx = new int[(int) nz];
                float[] val = hasValues ? new float[(int) nz] : null;
                int prev = -1;
                for (int k = 0; k < nz; k++) {
                    long d = varint(in);
                    long i = prev + d;
                    if (d < 1 || i >= frameSize) {
                        throw new IllegalStateException("camera state: frame " + j + " index " + k + " = " + i + " outside 0.." + (frameSize - 1));
                    }
                    idx[k] = (int) i;
                    prev = (int) i;
                    if (val != null) {
                        val[k] = in.getFloat();
                    }
                }
                s.frames.add(new StoredFrame(idx, val, endUs, events, byCall, closingNs));
            }
            int plen = (int) varint(in);
            if (plen < 0 || plen != in.remaining()) {
                throw new IllegalStateException("camera state: partial events " + plen + " bytes, " + in.remaining() + " left");
            }
            if (plen > 0) {
                byte[] p = new byte[plen];
                in.get(p);
                EventPacket packet = PacketCodec.parse(p);
                PacketCodec.decodeInto(packet, s.partial);
            }
            return s;
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("camera state: truncated at byte " + in.position() + " of " + bytes.length, e);
        } catch (PacketFormatException e) {
            throw new IllegalStateException("camera state: partial events: " + e.getMessage(), e);
        }
    }

    private static long varint(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalStateException("camera state: varint longer than 10 bytes at byte " + in.position());
    }

    private static long zigzag(ByteBuffer in) {
        long v = varint(in);
        return (v >>> 1) ^ -(v & 1);
    }

    private static final class Out {
        final ByteArrayOutputStream buf;

        Out(int size) {
            buf = new ByteArrayOutputStream(size);
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                buf.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            buf.write((int) v);
        }

        void zigzag(long v) {
            varint((v << 1) ^ (v >> 63));
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            buf.write(b, 0, b.length);
        }
    }
}
