package io.spikestream.stream.processor;

import io.spikestream.events.ReplayMetadata;

/**
 * What the stream app knows about one valid input packet besides its events.
 *
 * @param replay            the replay metadata ({@link ReplayMetadata#LIVE} for a live camera)
 * @param watermarkUs       the packet's watermark, or {@link #NO_WATERMARK} when its producer sets none
 * @param recordTimestampMs the Kafka timestamp of the packet's record (0 when unknown)
 * @param polledNs          when the consumer returned the record from poll (0 when unknown)
 */
public record PacketInfo(ReplayMetadata replay, long watermarkUs, long recordTimestampMs, long polledNs) {
    public static final long NO_WATERMARK = Long.MIN_VALUE;

    /** A packet with these replay metadata and nothing else known. */
    public static PacketInfo of(ReplayMetadata replay) {
        return new PacketInfo(replay, NO_WATERMARK, 0, 0);
    }

    public boolean hasWatermark() {
        return watermarkUs != NO_WATERMARK;
    }
}
