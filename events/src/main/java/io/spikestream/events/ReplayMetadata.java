package io.spikestream.events;

/**
 * What a replay tells about one packet besides its events: which recorded sample it belongs to, the
 * sample's label, where the sample starts and ends, and when the open-loop schedule meant to send it.
 * A live camera sends none ({@link #LIVE}: {@code replayed} false). On the wire it is
 * {@code EventPacket.replay}, mapped by {@link PacketCodec}.
 *
 * @param replayed   the packet carries replay metadata, so the stream marks sample boundaries
 * @param sampleId   sample id ("" when live)
 * @param hasLabel   the ground truth is known
 * @param label      ground-truth class index (valid when hasLabel)
 * @param start      first packet of a sample
 * @param end        last packet of a sample
 * @param intendedNs intended send time (ns since the Unix epoch, wall clock), 0 when unknown; decision
 *                   latency is measured from it, so a sender that falls behind cannot hide its lateness
 * @param actualNs   when the packet was handed to the producer (ns since the Unix epoch), 0 when unknown
 */
public record ReplayMetadata(boolean replayed, String sampleId, boolean hasLabel, int label, boolean start,
                             boolean end, long intendedNs, long actualNs) {

    public static final ReplayMetadata LIVE = new ReplayMetadata(false, "", false, 0, false, false, 0, 0);

    public ReplayMetadata {
        sampleId = sampleId == null ? "" : sampleId;
    }

    /** Metadata of one packet of a replayed sample. */
    public static ReplayMetadata of(String sampleId, boolean hasLabel, int label, boolean start, boolean end,
                                    long intendedNs, long actualNs) {
        return new ReplayMetadata(true, sampleId, hasLabel, label, start, end, intendedNs, actualNs);
    }
}
