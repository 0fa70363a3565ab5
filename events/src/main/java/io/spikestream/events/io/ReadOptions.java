package io.spikestream.events.io;

/**
 * How readers treat questionable input.
 *
 * @param rejectBackwardTime throw {@link RecordingFormatException} at a polarity event whose time is
 *                           lower than its predecessor's (default: keep it and count it)
 * @param maxDecompressedPacketBytes limit on one decompressed AEDAT 4 packet, so that a small
 *                           malicious packet cannot inflate into gigabytes (decompression bomb)
 */
public record ReadOptions(boolean rejectBackwardTime, int maxDecompressedPacketBytes) {

    /** 64 MiB: far above the few MiB that DV writes per packet. */
    public static final int DEFAULT_MAX_DECOMPRESSED_PACKET = 64 << 20;

    public static final ReadOptions DEFAULT = new ReadOptions(false, DEFAULT_MAX_DECOMPRESSED_PACKET);

    public ReadOptions {
        if (maxDecompressedPacketBytes < 1024) {
            throw new IllegalArgumentException("maxDecompressedPacketBytes " + maxDecompressedPacketBytes + " < 1024");
        }
    }

    public ReadOptions withRejectBackwardTime(boolean reject) {
        return new ReadOptions(reject, maxDecompressedPacketBytes);
    }

    public ReadOptions withMaxDecompressedPacketBytes(int max) {
        return new ReadOptions(rejectBackwardTime, max);
    }
}
