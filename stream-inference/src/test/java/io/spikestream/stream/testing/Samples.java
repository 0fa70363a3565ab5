package io.spikestream.stream.testing;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.PacketCodec;
import io.spikestream.events.ReplayMetadata;
import io.spikestream.events.SensorGeometry;
import io.spikestream.proto.v1.EventPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Synthetic event samples and their packets, as the replayer would send them. */
public final class Samples {
    private Samples() {
    }

    /** {@code n} events spread over {@code durationUs} starting at {@code t0}, seeded. */
    public static EventBatch random(SensorGeometry g, int n, long t0, long durationUs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        EventBuffer b = new EventBuffer(g, n);
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            ts[i] = t0 + r.nextLong(durationUs);
        }
        java.util.Arrays.sort(ts);
        // a bright blob per sample so that different samples differ in where they fire
        int cx = r.nextInt(g.width());
        int cy = r.nextInt(g.height());
        for (int i = 0; i < n; i++) {
            int x = Math.floorMod(cx + (int) Math.round(r.nextGaussian() * 3), g.width());
            int y = Math.floorMod(cy + (int) Math.round(r.nextGaussian() * 3), g.height());
            b.add(x, y, r.nextBoolean(), ts[i]);
        }
        return b.toBatch();
    }

    /**
     * The packets of one sample: {@code perPacket} events each, replay metadata with start/end flags,
     * intended send times {@code intendedBaseNs + i}.
     */
    public static List<EventPacket> packets(String camera, long firstSequence, String sampleId, int label,
                                            EventBatch sample, int perPacket, long intendedBaseNs) {
        List<EventPacket> out = new ArrayList<>();
        int n = sample.size();
        int packets = Math.max(1, (n + perPacket - 1) / perPacket);
        for (int p = 0; p < packets; p++) {
            EventBatch slice = sample.slice(Math.min(n, p * perPacket), Math.min(n, (p + 1) * perPacket));
            out.add(PacketCodec.packet(camera, firstSequence + p, slice,
                    ReplayMetadata.of(sampleId, true, label, p == 0, p == packets - 1, intendedBaseNs + p,
                            intendedBaseNs + p)));
        }
        return out;
    }

    /**
     * The packets of one sample with watermarks, as a producer that knows no more than it has sent: each
     * packet's watermark is its last event's time, and after each packet but the last a heartbeat (no
     * events, the same replay metadata without start and end flags) raises it to the next packet's first
     * event time. Sequence numbers are renumbered from the first packet's.
     */
    public static List<EventPacket> watermarked(List<EventPacket> packets) {
        List<EventPacket> out = new ArrayList<>();
        long seq = packets.get(0).getSequence();
        for (int i = 0; i < packets.size(); i++) {
            EventPacket p = packets.get(i);
            EventBatch events = PacketCodec.decode(p);
            out.add(p.toBuilder().setSequence(seq++).setWatermarkUs(events.t(events.size() - 1)).build());
            if (i + 1 < packets.size()) {
                long next = PacketCodec.decode(packets.get(i + 1)).t(0);
                out.add(heartbeat(p.getCameraId(), seq++, events.geometry(), p, next));
            }
        }
        return out;
    }

    /** A packet with no events and only a watermark, with {@code like}'s replay metadata minus its flags. */
    public static EventPacket heartbeat(String camera, long sequence, SensorGeometry g, EventPacket like,
                                        long watermarkUs) {
        EventPacket.Builder b = PacketCodec.encode(EventBatch.empty(g)).setCameraId(camera).setSequence(sequence)
                .setWatermarkUs(watermarkUs);
        if (like != null && like.hasReplay()) {
            b.setReplay(like.getReplay().toBuilder().setStartOfSample(false).setEndOfSample(false));
        }
        return b.build();
    }

    /** Packets without replay metadata (a live camera). */
    public static List<EventPacket> livePackets(String camera, EventBatch events, int perPacket) {
        List<EventPacket> out = new ArrayList<>();
        for (int p = 0, i = 0; i < events.size(); p++, i += perPacket) {
            EventBatch slice = events.slice(i, Math.min(events.size(), i + perPacket));
            out.add(PacketCodec.packet(camera, p, slice, ReplayMetadata.LIVE));
        }
        return out;
    }
}
