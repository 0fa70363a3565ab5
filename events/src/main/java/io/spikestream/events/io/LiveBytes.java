package io.spikestream.events.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Bytes that arrive over time: a socket, a pipe, standard input, a file that grows. {@link LiveReader}
 * decodes recording formats from it; a decoder waits ({@link #read}) only inside a unit it has begun
 * (a packet, a header), and otherwise takes what is there ({@link #readNow}), so that the events
 * received so far are never held back by bytes that have not come yet.
 */
public interface LiveBytes {

    /**
     * Reads into {@code dst}, waiting until at least one byte has arrived.
     *
     * @return the bytes read (≥ 1 when {@code dst} has room), or -1 when the stream has ended
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Reads the bytes that have already arrived, without waiting.
     *
     * @return the bytes read (0 when none are there), or -1 when the stream has ended and all is read
     */
    int readNow(ByteBuffer dst) throws IOException;

    /** What the bytes come from, for messages (e.g. {@code dv-tcp://127.0.0.1:7777}). */
    String name();
}
