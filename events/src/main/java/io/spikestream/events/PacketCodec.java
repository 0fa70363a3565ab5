package io.spikestream.events;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.proto.v1.PackedEncoding;
import io.spikestream.proto.v1.ReplayInfo;

/**
 * Packs events into {@link EventPacket}s and back ({@code PACKED_ENCODING_DT_VARINT_ADDR_FIXED}:
 * a varint time delta and a fixed-width address per event; see event_packet.proto), and maps the
 * packet's replay metadata to {@link ReplayMetadata}: the one place that builds and reads
 * EventPackets. A 128×128 sensor needs 2 address bytes, so a busy sensor (deltas under 128 µs) costs
 * 3 bytes per event.
 * <p>
 * Decoding trusts nothing: counts are checked against the bytes present before anything is
 * allocated, and every violation is a {@link PacketFormatException} naming the field and the index.
 */
public final class PacketCodec {
    private static final int MAX_VARINT_BYTES = 10;

    private PacketCodec() {
    }

    /** Bits needed to address coordinates 0..side-1 (at least 1). */
    static int bitsFor(int side) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(side - 1));
    }

    /** Address bytes per event for a geometry. */
    public static int addressBytes(SensorGeometry g) {
        return (bitsFor(g.width()) + bitsFor(g.height()) + 1 + 7) / 8;
    }

    /**
     * A packet builder with geometry, event count, base time, encoding and packed events set; the
     * caller adds camera id, sequence and replay metadata.
     */
    public static EventPacket.Builder encode(EventBatch batch) {
        return encode(batch.geometry(), batch.rawX(), batch.rawY(), batch.rawOn(), batch.rawT(), 0, batch.size());
    }

    /** As {@link #encode(EventBatch)} for events {@code from..to-1} of a buffer. */
    public static EventPacket.Builder encode(EventBuffer buffer, int from, int to) {
        if (from < 0 || to > buffer.size() || from > to) {
            throw new IndexOutOfBoundsException("range " + from + ".." + to + " of " + buffer.size());
        }
        return encode(buffer.geometry(), buffer.rawX(), buffer.rawY(), buffer.rawOn(), buffer.rawT(), from, to);
    }

    private static EventPacket.Builder encode(SensorGeometry g, int[] x, int[] y, boolean[] on, long[] t,
            int from, int to) {
        int n = to - from;
        int xbits = bitsFor(g.width());
        int ybits = bitsFor(g.height());
        int abytes = (xbits + ybits + 1 + 7) / 8;
        byte[] out = new byte[n * (MAX_VARINT_BYTES + abytes)];
        int pos = 0;
        long base = n == 0 ? 0 : t[from];
        long prev = base;
        for (int i = from; i < to; i++) {
            int ex = x[i];
            int ey = y[i];
            if (ex < 0 || ex >= g.width()) {
                throw new PacketFormatException("encode: x[" + (i - from) + "] = " + ex + " outside 0.." + (g.width() - 1));
            }
            if (ey < 0 || ey >= g.height()) {
                throw new PacketFormatException("encode: y[" + (i - from) + "] = " + ey + " outside 0.." + (g.height() - 1));
            }
            long dt = t[i] - prev;
            if (dt < 0) {
                throw new PacketFormatException("encode: t[" + (i - from) + "] = " + t[i]
                        + " µs is before the previous event's " + prev + " µs");
            }
            prev = t[i];
            while ((dt & ~0x7FL) != 0) {
                out[pos++] = (byte) ((dt & 0x7F) | 0x80);
                dt >>>= 7;
            }
            out[pos++] = (byte) dt;
            long addr = ex | ((long) ey << xbits) | ((on[i] ? 1L : 0L) << (xbits + ybits));
            for (int b = 0; b < abytes; b++) {
                out[pos++] = (byte) (addr >>> (8 * b));
            }
        }
        return EventPacket.newBuilder()
                .setGeometry(EventPacket.SensorGeometry.newBuilder().setWidth(g.width()).setHeight(g.height()))
                .setEventCount(n)
                .setTBaseUs(base)
                .setEncoding(PackedEncoding.PACKED_ENCODING_DT_VARINT_ADDR_FIXED)
                .setPackedEvents(ByteString.copyFrom(out, 0, pos));
    }

    /**
     * A complete packet of a camera: events {@code from..to-1} of {@code buffer} with camera id, sequence
     * number and, unless {@code replay} is {@link ReplayMetadata#LIVE}, the replay metadata.
     */
    public static EventPacket packet(String cameraId, long sequence, EventBuffer buffer, int from, int to,
                                     ReplayMetadata replay) {
        return withHeader(encode(buffer, from, to), cameraId, sequence, replay);
    }

    /** As {@link #packet(String, long, EventBuffer, int, int, ReplayMetadata)} for a whole batch. */
    public static EventPacket packet(String cameraId, long sequence, EventBatch batch, ReplayMetadata replay) {
        return withHeader(encode(batch), cameraId, sequence, replay);
    }

    /**
     * As {@link #packet(String, long, EventBuffer, int, int, ReplayMetadata)} with a watermark: the event time up
     * to which the camera has sent every event (no later packet holds an earlier event). With {@code from == to}
     * it is a heartbeat, a packet with no events and only the watermark.
     */
    public static EventPacket packet(String cameraId, long sequence, EventBuffer buffer, int from, int to,
                                     ReplayMetadata replay, long watermarkUs) {
        return withHeader(encode(buffer, from, to).setWatermarkUs(watermarkUs), cameraId, sequence, replay);
    }

    /** A packet's watermark, or {@code absent} when its producer set none. */
    public static long watermarkOf(EventPacket p, long absent) {
        return p.hasWatermarkUs() ? p.getWatermarkUs() : absent;
    }

    private static EventPacket withHeader(EventPacket.Builder b, String cameraId, long sequence, ReplayMetadata replay) {
        b.setCameraId(cameraId).setSequence(sequence);
        if (replay.replayed()) {
            ReplayInfo.Builder info = ReplayInfo.newBuilder()
                    .setSampleId(replay.sampleId())
                    .setStartOfSample(replay.start())
                    .setEndOfSample(replay.end())
                    .setIntendedSendTimeNs(replay.intendedNs())
                    .setActualSendTimeNs(replay.actualNs());
            if (replay.hasLabel()) {
                info.setLabel(replay.label());
            }
            b.setReplay(info);
        }
        return b.build();
    }

    /** The replay metadata of a packet; {@link ReplayMetadata#LIVE} when it has none. */
    public static ReplayMetadata replayOf(EventPacket p) {
        if (!p.hasReplay()) {
            return ReplayMetadata.LIVE;
        }
        ReplayInfo r = p.getReplay();
        return ReplayMetadata.of(r.getSampleId(), r.hasLabel(), r.getLabel(), r.getStartOfSample(), r.getEndOfSample(),
                r.getIntendedSendTimeNs(), r.getActualSendTimeNs());
    }

    /** Parses a serialized packet; malformed protobuf becomes a {@link PacketFormatException}. */
    public static EventPacket parse(byte[] bytes) {
        try {
            return EventPacket.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new PacketFormatException("not an EventPacket: " + e.getMessage(), e);
        }
    }

    /** The geometry a packet declares, validated. */
    public static SensorGeometry geometryOf(EventPacket packet) {
        if (!packet.hasGeometry()) {
            throw new PacketFormatException("geometry: missing");
        }
        long w = Integer.toUnsignedLong(packet.getGeometry().getWidth());
        long h = Integer.toUnsignedLong(packet.getGeometry().getHeight());
        if (w < 1 || w > SensorGeometry.MAX_SIDE || h < 1 || h > SensorGeometry.MAX_SIDE) {
            throw new PacketFormatException("geometry: " + w + "x" + h + " outside 1.." + SensorGeometry.MAX_SIDE + " per side");
        }
        return new SensorGeometry((int) w, (int) h);
    }

    /** Decodes a packet into a new immutable batch. */
    public static EventBatch decode(EventPacket packet) {
        EventBuffer buffer = new EventBuffer(geometryOf(packet), 0);
        decodeInto(packet, buffer);
        return buffer.toBatch();
    }

    /**
     * Decodes a packet, appending its events to {@code out}. When {@code out} is empty it takes the
     * packet's geometry; otherwise the geometries must agree. On error {@code out} is left as it was.
     */
    public static void decodeInto(EventPacket packet, EventBuffer out) {
        SensorGeometry g = geometryOf(packet);
        if (out.size() == 0) {
            out.reset(g);
        } else if (!out.geometry().equals(g)) {
            throw new PacketFormatException("geometry: " + g + " differs from the buffer's " + out.geometry());
        }
        if (packet.getEncoding() != PackedEncoding.PACKED_ENCODING_DT_VARINT_ADDR_FIXED) {
            throw new PacketFormatException("encoding: unsupported " + packet.getEncodingValue());
        }
        ByteString packed = packet.getPackedEvents();
        long count = Integer.toUnsignedLong(packet.getEventCount());
        int xbits = bitsFor(g.width());
        int ybits = bitsFor(g.height());
        int abytes = (xbits + ybits + 1 + 7) / 8;
        // every event takes at least 1 delta byte plus its address: check before allocating anything
        if (count * (1 + abytes) > packed.size()) {
            throw new PacketFormatException("event_count: " + count + " events cannot fit in "
                    + packed.size() + " packed bytes");
        }
        int n = (int) count;
        int length = packed.size();
        byte[] in = out.scratch(length);
        packed.copyTo(in, 0);
        int start = out.size();
        out.ensureSpace(n);
        int[] xs = out.rawX();
        int[] ys = out.rawY();
        boolean[] ons = out.rawOn();
        long[] ts = out.rawT();
        int width = g.width();
        int height = g.height();
        int xmask = (1 << xbits) - 1;
        int ymask = (1 << ybits) - 1;
        int pos = 0;
        long time = packet.getTBaseUs();
        for (int i = 0; i < n; i++) {
            // long deltas of earlier events can use up the bytes that the count check reserved
            if (pos >= length) {
                throw new PacketFormatException("packed_events: event " + i + " missing (bytes end after event " + (i - 1) + ")");
            }
            long dt;
            int b = in[pos++];
            if (b >= 0) {
                dt = b;
            } else {
                dt = b & 0x7F;
                int shift = 7;
                while (true) {
                    if (pos >= length) {
                        throw new PacketFormatException("packed_events: event " + i + " truncated in its time delta");
                    }
                    b = in[pos++];
                    if (shift == 63 && (b & 0xFE) != 0) {
                        throw new PacketFormatException("packed_events: event " + i + " time delta exceeds 64 bits");
                    }
                    dt |= (long) (b & 0x7F) << shift;
                    if (b >= 0) {
                        break;
                    }
                    shift += 7;
                }
            }
            if (pos + abytes > length) {
                throw new PacketFormatException("packed_events: event " + i + " truncated in its address");
            }
            long addr = 0;
            for (int k = 0; k < abytes; k++) {
                addr |= (long) (in[pos++] & 0xFF) << (8 * k);
            }
            int ex = (int) (addr & xmask);
            int ey = (int) ((addr >>> xbits) & ymask);
            long rest = addr >>> (xbits + ybits);
            if (ex >= width) {
                throw new PacketFormatException("packed_events: event " + i + " x = " + ex + " outside 0.." + (width - 1));
            }
            if (ey >= height) {
                throw new PacketFormatException("packed_events: event " + i + " y = " + ey + " outside 0.." + (height - 1));
            }
            if (rest > 1) {
                throw new PacketFormatException("packed_events: event " + i + " has address bits set above polarity");
            }
            long next = time + dt;
            if (dt < 0 || next < time) {
                throw new PacketFormatException("packed_events: event " + i + " time overflows 64 bits (delta " + Long.toUnsignedString(dt) + ")");
            }
            time = next;
            int j = start + i;
            xs[j] = ex;
            ys[j] = ey;
            ons[j] = rest == 1;
            ts[j] = time;
        }
        if (pos != length) {
            throw new PacketFormatException("packed_events: " + (length - pos) + " bytes left after event_count = " + n + " events");
        }
        out.commit(start + n);
    }
}
