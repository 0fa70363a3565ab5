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
