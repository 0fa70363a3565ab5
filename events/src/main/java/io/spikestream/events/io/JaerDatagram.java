package io.spikestream.events.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * jAER's unicast AE datagrams (AEUnicastOutput with its defaults: sequence numbers on, address
 * first, 4-byte addresses and timestamps, big-endian): an int32 sequence number, counting up by one
 * per datagram from 1, then events of an int32 raw address and an int32 µs timestamp, the same 8
 * bytes as AEDAT 2.0 events. {@link LiveReader#jaerEvents} decodes the events once the sequence
 * number is taken off.
 */
public final class JaerDatagram {
    /** The sequence number's bytes. */
    public static final int HEADER = 4;
    /** One event's bytes. */
    public static final int EVENT = 8;

    private JaerDatagram() {
    }

    /**
     * The datagram's sequence number (its remaining bytes are the datagram).
     *
     * @throws RecordingFormatException when the datagram is not a sequence number and whole events
     */
    public static int sequence(ByteBuffer datagram, String source, long index) {
        int len = datagram.remaining();
        if (len < HEADER || (len - HEADER) % EVENT != 0) {
            int at = len < HEADER ? 0 : len - (len - HEADER) % EVENT;
            throw new RecordingFormatException(source + " datagram " + index, at,
                    len + " bytes is not a 4-byte sequence number and whole 8-byte events");
        }
        return datagram.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(datagram.position());
    }
}
