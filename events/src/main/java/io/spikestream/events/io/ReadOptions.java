package io.spikestream.events.io;

import io.spikestream.events.SensorGeometry;

/**
 * How readers treat questionable input.
 *
 * @param rejectBackwardTime throw {@link RecordingFormatException} at a polarity event whose time is
 *                           lower than its predecessor's (default: keep it and count it)
 * @param maxDecompressedPacketBytes limit on one decompressed AEDAT 4 packet, so that a small
 *                           malicious packet cannot inflate into gigabytes (decompression bomb)
 * @param geometry           sensor geometry to use instead of the one the header names (null: from
 *                           the header; when the header names none, {@link Recordings#open} uses the
 *                           format's usual sensor if every event fits it, else the smallest array
 *                           holding all events, found by a streaming pre-scan)
 */
public record ReadOptions(boolean rejectBackwardTime, int maxDecompressedPacketBytes, SensorGeometry geometry) {

    /** 64 MiB: far above the few MiB that DV writes per packet. */
    public static final int DEFAULT_MAX_DECOMPRESSED_PACKET = 64 << 20;

    public static final ReadOptions DEFAULT = new ReadOptions(false, DEFAULT_MAX_DECOMPRESSED_PACKET, null);

    public ReadOptions {
        if (maxDecompressedPacketBytes < 1024) {
            throw new IllegalArgumentException("maxDecompressedPacketBytes " + maxDecompressedPacketBytes + " < 1024");
        }
    }

    public ReadOptions withRejectBackwardTime(boolean reject) {
        return new ReadOptions(reject, maxDecompressedPacketBytes, geometry);
    }

    public ReadOptions withMaxDecompressedPacketBytes(int max) {
        return new ReadOptions(rejectBackwardTime, max, geometry);
    }

    public ReadOptions withGeometry(SensorGeometry g) {
        return new ReadOptions(rejectBackwardTime, maxDecompressedPacketBytes, g);
    }
}
