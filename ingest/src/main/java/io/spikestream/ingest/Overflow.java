package io.spikestream.ingest;

import java.util.Locale;

/** What a source does when its queue to Kafka is full (Kafka is slower than the camera). */
public enum Overflow {
    /** Wait: the source stops reading, so a TCP sender or a pipe writer is slowed down in turn. */
    BLOCK,
    /** Drop the oldest queued packet (counted, with its events); the sequence numbers show the gap. */
    DROP_OLDEST;

    /** {@code block} or {@code drop-oldest}. */
    public static Overflow parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (v) {
            case "block" -> BLOCK;
            case "drop-oldest" -> DROP_OLDEST;
            default -> throw new IllegalArgumentException("overflow policy '" + s + "' (known: block, drop-oldest)");
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
