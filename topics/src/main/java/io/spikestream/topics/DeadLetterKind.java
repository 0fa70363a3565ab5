package io.spikestream.topics;

import java.util.Optional;

/**
 * Why the stream app rejected an input record. The {@link #wireName} is the value of the
 * {@link DeadLetterHeaders#KIND} header and of the {@code kind} tag of the dead-letter metric.
 */
public enum DeadLetterKind {
    /** The value is null (a tombstone) or not an EventPacket at all. */
    UNPARSEABLE("unparseable"),
    /** A well-formed EventPacket whose packed events or encoding are invalid. */
    BAD_PACKET("bad-packet"),
    /** The packet's sensor is not the one the model frames. */
    WRONG_GEOMETRY("wrong-geometry"),
    /** The packet's camera_id differs from the record key. */
    CAMERA_MISMATCH("camera-mismatch"),
    /** Neither the record key nor camera_id names a camera. */
    NO_CAMERA("no-camera"),
    /** The packet's first event is earlier than the camera's previous event within the same episode. */
    TIME_BACKWARDS("time-backwards"),
    /** An event time is negative or beyond the largest the app accepts (an absurd clock). */
    BAD_TIMESTAMP("bad-timestamp"),
    /**
     * A camera or sample id longer than its limit, or a packet whose events would make the camera's
     * stored state or its classification larger than a Kafka record may be.
     */
    OVERSIZED("oversized"),
    /** The producer refused a record that this input produced; the input is set aside so the app moves on. */
    UNWRITABLE("unwritable");

    private final String wireName;

    DeadLetterKind(String wireName) {
        this.wireName = wireName;
    }

    /** The short name in headers and metrics, e.g. {@code bad-packet}. */
    public String wireName() {
        return wireName;
    }

    /** The kind of a header value; empty for a name this build does not know. */
    public static Optional<DeadLetterKind> ofWireName(String name) {
        for (DeadLetterKind k : values()) {
            if (k.wireName.equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
