package io.spikestream.events.io;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Bytes that "arrive" in chunks, for single-threaded tests of live decoding: {@link #readNow} gives
 * only what has arrived, {@link #read} stands for waiting: it lets the next chunk arrive first.
 */
final class ScriptedBytes implements LiveBytes {
    private final byte[] data;
    private final SplittableRandom chunks;
    private final int maxChunk;
    private int arrived;
    private int consumed;
    private boolean closed;

    /** All of {@code data} arrives, in chunks of 1..maxChunk bytes, then the stream ends. */
    ScriptedBytes(byte[] data, int maxChunk, long seed) {
        this.data = data;
        this.maxChunk = maxChunk;
        this.chunks = new SplittableRandom(seed);
    }

    /** Lets the next chunk arrive; false when everything has. */
    boolean arrive() {
        if (arrived == data.length) {
            closed = true;
            return false;
        }
        arrived = Math.min(data.length, arrived + 1 + chunks.nextInt(maxChunk));
        return true;
    }

    /** Lets everything up to {@code end} arrive. */
    void arriveUpTo(int end) {
        arrived = Math.max(arrived, Math.min(end, data.length));
    }

    /** The stream ends after what has arrived so far. */
    void end() {
        closed = true;
    }

    int consumed() {
        return consumed;
    }

    @Override
    public int read(ByteBuffer dst) {
        while (consumed == arrived) {
            if (closed || !arrive()) {
                return -1;
            }
        }
        return readNow(dst);
    }

    @Override
    public int readNow(ByteBuffer dst) {
        if (consumed == arrived) {
            return closed ? -1 : 0;
        }
        int n = Math.min(dst.remaining(), arrived - consumed);
        dst.put(data, consumed, n);
        consumed += n;
        return n;
    }

    @Override
    public String name() {
        return "test-stream";
    }
}
