package io.spikestream.events;

/** A packed event packet that cannot be encoded or decoded; names the field and the event index. */
public final class PacketFormatException extends EventDataException {
    private static final long serialVersionUID = 1L;

    public PacketFormatException(String message) {
        super(message);
    }

    public PacketFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
