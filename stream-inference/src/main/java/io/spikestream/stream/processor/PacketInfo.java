package io.spikestream.stream.processor;

import io.spikestream.proto.v1.EventPacket;
import io.spikestream.proto.v1.ReplayInfo;

/**
 * The replay metadata of one packet, flattened (live cameras have none: {@code replayed} false).
 *
 * @param replayed    the packet carries ReplayInfo, so the stream marks sample boundaries
 * @param sampleId    sample id ("" when live)
 * @param hasLabel    the ground truth is known
 * @param label       ground-truth class index (valid when hasLabel)
 * @param start       first packet of a sample
 * @param end         last packet of a sample
 * @param intendedNs  intended send time (ns, wall clock), 0 when unknown
 */
public record PacketInfo(boolean replayed, String sampleId, boolean hasLabel, int label, boolean start, boolean end,
                         long intendedNs) {

    public static final PacketInfo LIVE = new PacketInfo(false, "", false, 0, false, false, 0);

    public static PacketInfo of(EventPacket p) {
        if (!p.hasReplay()) {
            return LIVE;
        }
        ReplayInfo r = p.getReplay();
        return new PacketInfo(true, r.getSampleId(), r.hasLabel(), r.getLabel(), r.getStartOfSample(),
                r.getEndOfSample(), r.getIntendedSendTimeNs());
    }
}
